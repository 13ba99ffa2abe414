// What a page's Content-Security-Policy refused, for the tests to read.
window.violations = [];
document.addEventListener('securitypolicyviolation', function (event) {
  window.violations.push(event.violatedDirective + ' ' + event.blockedURI);
});
