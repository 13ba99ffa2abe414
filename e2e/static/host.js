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
