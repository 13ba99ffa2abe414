// The host app of e2e/pages/kinds.html: client-side routes, a late button, a web component.
(function () {
  function route(path) {
    document.getElementById('heading').textContent = path.indexOf('/reports') >= 0 ? 'Reports' : 'Projects';
  }
  document.addEventListener('click', function (event) {
    var link = event.target.closest && event.target.closest('a[data-route]');
    if (!link) return;
    event.preventDefault();
    history.pushState({}, '', link.getAttribute('href') + location.search);
    route(location.pathname);
  });
  window.addEventListener('popstate', function () { route(location.pathname); });
  route(location.pathname);

  customElements.define('app-toolbar', class extends HTMLElement {
    connectedCallback() {
      var root = this.attachShadow({ mode: 'open' });
      var button = document.createElement('button');
      button.type = 'button';
      button.setAttribute('data-testid', 'export');
      button.textContent = 'Export';
      root.appendChild(button);
    }
  });

  setTimeout(function () {
    var late = document.createElement('button');
    late.type = 'button';
    late.id = 'late-button';
    late.textContent = 'Invite team';
    document.getElementById('late-slot').appendChild(late);
  }, 700);
})();

// Test hooks for e2e/test_targeting.py: re-render a button the way frameworks do, shift the
// layout, and cover the page with the app's own overlay.
window.hostApp = {
  replaceCreate: function () {
    var old = document.getElementById('create-project');
    var fresh = old.cloneNode(true);
    old.replaceWith(fresh);
  },
  pushDown: function (px) {
    var spacer = document.createElement('div');
    spacer.style.height = px + 'px';
    document.querySelector('main').prepend(spacer);
  },
  overlay: function () {
    var cover = document.createElement('div');
    cover.id = 'app-overlay';
    cover.textContent = 'The app\u2019s own overlay';
    ['position:fixed', 'inset:0', 'z-index:2147483647', 'background:#0f172acc', 'color:#fff'].forEach(function (rule) {
      var parts = rule.split(':');
      cover.style.setProperty(parts[0], parts[1]);
    });
    document.body.appendChild(cover);
  },
};
