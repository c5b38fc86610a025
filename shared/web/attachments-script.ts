/**
 * The form's script (served as `/assets/lampiran.js`): with JavaScript, each chosen file goes
 * straight to the file store — `POST /api/uploads` for a presigned target, then the file to it —
 * and the form is sent without its files, naming the uploads in hidden fields
 * (`attachments.<i>.uploadId`, `attachments.<i>.name`). So a photo of up to 5 MB never passes
 * through a function's request. Without JavaScript the form sends its files itself. A refusal
 * (type, size, network) shows beside the file input, in the page's language, and nothing is sent.
 */
export const ATTACHMENTS_SCRIPT_PATH = '/assets/lampiran.js';

export const attachmentsScript = `(function () {
  'use strict';
  var form = document.querySelector('form[data-attachments]');
  if (!form || !window.fetch || !window.FormData) return;
  var input = form.querySelector('input[type=file][name=attachments]');
  var status = form.querySelector('[data-attachments-status]');
  var en = document.documentElement.lang === 'en';
  var max = Number(form.getAttribute('data-max-files')) || 3;
  function say(text) { status.textContent = text; status.hidden = !text; }
  function refusal(name, text) { return (en ? 'The file "' : 'Berkas "') + name + '": ' + text; }
  form.addEventListener('submit', function (event) {
    var files = input && input.files ? Array.prototype.slice.call(input.files) : [];
    if (!files.length || form.getAttribute('data-uploaded') === 'yes') return;
    event.preventDefault();
    if (files.length > max) { say(en ? 'At most ' + max + ' files.' : 'Paling banyak ' + max + ' berkas.'); return; }
    var button = form.querySelector('button[type=submit]');
    button.disabled = true;
    say(en ? 'Uploading attachments…' : 'Mengunggah lampiran…');
    var uploaded = [];
    files.reduce(function (previous, file, i) {
      return previous.then(function () {
        return fetch('/api/uploads' + (en ? '?lang=en' : ''), { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ contentType: file.type || 'application/octet-stream' }) })
          .then(function (res) { return res.json().then(function (body) { if (!res.ok) throw new Error(refusal(file.name, body.message || res.status)); return body; }); })
          .then(function (target) {
            if (file.size > target.maxBytes) throw new Error(refusal(file.name, en ? 'larger than 5 MB.' : 'lebih besar dari 5 MB.'));
            var data = new FormData();
            Object.keys(target.fields).forEach(function (k) { data.append(k, target.fields[k]); });
            data.append('file', file);
            return fetch(target.url, { method: 'POST', body: data }).then(function (res) {
              if (!res.ok) throw new Error(refusal(file.name, en ? 'the upload was refused (' + res.status + ').' : 'unggahan ditolak (' + res.status + ').'));
              uploaded.push({ i: i, uploadId: target.uploadId, name: file.name });
            });
          });
      });
    }, Promise.resolve()).then(function () {
      uploaded.forEach(function (u) {
        [['uploadId', u.uploadId], ['name', u.name]].forEach(function (pair) {
          var hidden = document.createElement('input');
          hidden.type = 'hidden'; hidden.name = 'attachments.' + u.i + '.' + pair[0]; hidden.value = pair[1];
          form.appendChild(hidden);
        });
      });
      input.disabled = true;
      form.setAttribute('data-uploaded', 'yes');
      say('');
      form.submit();
    }).catch(function (err) {
      button.disabled = false;
      say(err && err.message ? err.message : (en ? 'The upload failed; try again.' : 'Unggahan gagal; coba lagi.'));
    });
  });
})();
`;
