/**
 * The pages' upload script (served as `/assets/lampiran.js`): with JavaScript, each chosen file goes
 * straight to the file store — `POST /api/uploads` for a presigned target, then the file to it — and
 * the form is sent without its files, naming the uploads in hidden fields. So a file of up to 5 MB
 * never passes through a function's request. Two kinds of form use it:
 * - the complaint form (`form[data-attachments]`): `attachments.<i>.uploadId`, `attachments.<i>.name`,
 *   numbered after any upload the form already names (a page without JavaScript uploads first);
 * - an official's answer on the task page (`form[data-upload-file]`): `fileUploadId`, `fileName`.
 * Without JavaScript the forms work as they are (the task page and `/lampiran` post to the store
 * themselves). A refusal (type, size, network) shows beside the file input, in the page's language,
 * and nothing is sent.
 */
export const ATTACHMENTS_SCRIPT_PATH = '/assets/lampiran.js';

export const attachmentsScript = `(function () {
  'use strict';
  if (!window.fetch || !window.FormData) return;
  var en = document.documentElement.lang === 'en';
  function refusal(name, text) { return (en ? 'The file "' : 'Berkas "') + name + '": ' + text; }
  function upload(file) {
    return fetch('/api/uploads' + (en ? '?lang=en' : ''), { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ contentType: file.type || 'application/octet-stream' }) })
      .then(function (res) { return res.json().then(function (body) { if (!res.ok) throw new Error(refusal(file.name, body.message || res.status)); return body; }); })
      .then(function (target) {
        if (file.size > target.maxBytes) throw new Error(refusal(file.name, en ? 'larger than 5 MB.' : 'lebih besar dari 5 MB.'));
        var data = new FormData();
        Object.keys(target.fields).forEach(function (k) { data.append(k, target.fields[k]); });
        data.append('file', file);
        return fetch(target.url, { method: 'POST', body: data }).then(function (res) {
          if (!res.ok) throw new Error(refusal(file.name, en ? 'the upload was refused (' + res.status + ').' : 'unggahan ditolak (' + res.status + ').'));
          return target.uploadId;
        });
      });
  }
  function hidden(form, name, value) {
    var input = document.createElement('input');
    input.type = 'hidden'; input.name = name; input.value = value;
    form.appendChild(input);
  }
  function wire(form, input, max, name) {
    var status = form.querySelector('[data-attachments-status]');
    function say(text) { if (status) { status.textContent = text; status.hidden = !text; } }
    form.addEventListener('submit', function (event) {
      var files = input && input.files ? Array.prototype.slice.call(input.files) : [];
      if (!files.length || form.getAttribute('data-uploaded') === 'yes') return;
      event.preventDefault();
      var already = form.querySelectorAll('input[type=hidden][name$=".uploadId"]').length;
      if (files.length + already > max) { say(en ? 'At most ' + max + ' files.' : 'Paling banyak ' + max + ' berkas.'); return; }
      var button = form.querySelector('button[type=submit]');
      button.disabled = true;
      say(en ? 'Uploading…' : 'Mengunggah…');
      var uploaded = [];
      files.reduce(function (previous, file, i) {
        return previous.then(function () { return upload(file).then(function (id) { uploaded.push({ i: already + i, uploadId: id, name: file.name }); }); });
      }, Promise.resolve()).then(function () {
        uploaded.forEach(function (u) { name(form, u); });
        input.disabled = true;
        form.setAttribute('data-uploaded', 'yes');
        say('');
        form.submit();
      }).catch(function (err) {
        button.disabled = false;
        say(err && err.message ? err.message : (en ? 'The upload failed; try again.' : 'Unggahan gagal; coba lagi.'));
      });
    });
  }
  var complaint = document.querySelector('form[data-attachments]');
  if (complaint) {
    wire(complaint, complaint.querySelector('input[type=file][name=attachments]'), Number(complaint.getAttribute('data-max-files')) || 3, function (form, u) {
      hidden(form, 'attachments.' + u.i + '.uploadId', u.uploadId);
      hidden(form, 'attachments.' + u.i + '.name', u.name);
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll('form[data-upload-file]'), function (form) {
    wire(form, form.querySelector('input[type=file][name=file]'), 1, function (f, u) {
      var earlier = f.querySelector('input[name=fileUploadId]');
      if (earlier) earlier.parentNode.removeChild(earlier);
      hidden(f, 'fileUploadId', u.uploadId);
      hidden(f, 'fileName', u.name);
    });
  });
})();
`;
