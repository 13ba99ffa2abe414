// Installed before any script of the page runs (e2e/test_xss.py): records every call of
// alert, confirm, prompt and print and every CSP violation, and `__sweep()` lists what in
// the document or its open shadow roots could run script or navigate to it.
window.__xss = [];
for (const name of ['alert', 'confirm', 'prompt', 'print']) {
  window[name] = (...args) => { window.__xss.push(name + ':' + String(args[0])); };
}
document.addEventListener('securitypolicyviolation', (event) => {
  window.__xss.push('csp:' + event.violatedDirective + ':' + event.blockedURI);
});
window.__sweep = () => {
  // Every element in the document and in open shadow roots: what could run or navigate.
  const found = [];
  const visit = (root) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.shadowRoot) visit(el.shadowRoot);
      const inSdk = root !== document;
      if (inSdk && /^(script|iframe|object|embed|math|style|link|meta|base|frame)$/.test(el.localName)) found.push('element:' + el.localName);
      for (const attr of el.attributes) {
        const value = attr.value.replace(/[\u0000-\u0020\u007f-\u009f]/g, '');
        if (/^on/i.test(attr.name)) found.push('handler:' + el.localName + ' ' + attr.name);
        const ownIcon = el.localName === 'link' && el.rel === 'icon' && value === 'data:,';  // the admin's empty favicon
        if (/^(href|src|action|formaction|xlink:href)$/i.test(attr.name) && /^(javascript|data|vbscript):/i.test(value) && !ownIcon) found.push('url:' + attr.value);
      }
    }
  };
  visit(document);
  return found;
};
