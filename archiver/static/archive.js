/* Sortable tables and the search box. Loaded as a file: the pages allow no inline script. */
(function () {
  'use strict';

  function sortKey(cell) {
    var value = cell.getAttribute('data-sort');
    return value === null ? cell.textContent.trim() : value;
  }

  function sortTable(table, column, header) {
    var ascending = header.getAttribute('aria-sort') !== 'ascending';
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      th.removeAttribute('aria-sort');
    });
    header.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
    var numeric = header.getAttribute('data-type') === 'number';
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = sortKey(a.cells[column]);
      var y = sortKey(b.cells[column]);
      var order = numeric ? (parseFloat(x) || 0) - (parseFloat(y) || 0) : x.localeCompare(y, 'zh-CN');
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, column) {
      var button = th.querySelector('button');
      if (button) {
        button.addEventListener('click', function () { sortTable(table, column, th); });
      }
    });
  });

  var box = document.getElementById('search');
  if (!box) { return; }
  var list = document.getElementById('search-results');
  var status = document.getElementById('search-status');
  var items = null;
  var loading = null;
  var KINDS = { site: '机构', partner: '合作机构' };
  var LIMIT = 30;

  function fold(text) {
    return text.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
  }

  function load() {
    if (!loading) {
      loading = fetch(box.getAttribute('data-index'), { credentials: 'same-origin' })
        .then(function (response) {
          if (!response.ok) { throw new Error('HTTP ' + response.status); }
          return response.json();
        })
        .then(function (data) {
          items = data.items.map(function (row) {
            return { kind: row[0], name: row[1], path: row[2], detail: row[3],
                     folded: fold(row[1]), haystack: row[4] };
          });
          status.textContent = '';
        })
        .catch(function (error) {
          loading = null;
          status.textContent = location.protocol === 'file:'
            ? '从本地文件打开时浏览器不允许载入搜索索引：请用 archiver serve 或任一静态网站服务器浏览。'
            : '无法载入搜索索引（' + error.message + '）';
          throw error;
        });
    }
    return loading;
  }

  function search() {
    var started = performance.now();
    var query = fold(box.value);
    while (list.firstChild) { list.removeChild(list.firstChild); }
    if (!query) { status.textContent = ''; return; }
    var found = [];
    for (var i = 0; i < items.length; i++) {
      var item = items[i];
      var at = item.folded.indexOf(query);
      var rank = at === 0 ? 0 : at > 0 ? 1 : item.haystack.indexOf(query) >= 0 ? 2 : -1;
      if (rank >= 0) { found.push([rank, item]); }
    }
    found.sort(function (a, b) {
      return a[0] - b[0] || a[1].name.length - b[1].name.length;
    });
    found.slice(0, LIMIT).forEach(function (pair) {
      var item = pair[1];
      var li = document.createElement('li');
      var a = document.createElement('a');
      a.href = item.path;
      a.textContent = item.name;
      var kind = document.createElement('span');
      kind.className = 'kind';
      kind.textContent = KINDS[item.kind] || item.kind;
      var detail = document.createElement('span');
      detail.className = 'detail';
      detail.textContent = item.detail;
      li.appendChild(a);
      li.appendChild(kind);
      li.appendChild(detail);
      list.appendChild(li);
    });
    status.textContent = found.length ? '找到 ' + found.length + ' 项' : '没有找到';
    var root = document.documentElement;
    root.setAttribute('data-search-ms', (performance.now() - started).toFixed(2));
    root.setAttribute('data-search-query', box.value);
  }

  box.addEventListener('focus', function () { load().catch(function () {}); });
  box.addEventListener('input', function () { load().then(search, function () {}); });
  if (box.value) { load().then(search, function () {}); }
})();
