// Force release, behind a confirmation that shows what will happen.
import { $, explain, post, showMessage } from './api.js';

// ---- force release, behind a confirmation that shows what will happen -------------------------------

export function confirmForceRelease(row, opener) {
  const dialog = $('force-dialog');
  const holder = row.plainRun ? 'a plain Terraform run of ' + (row.who || row.owner) : row.owner;
  $('force-what').textContent = `Break the lock on ${row.key}, held by ${holder}` +
    (row.operation ? ` (${row.operation})` : '') + '.';
  $('force-fence').textContent = String(row.fencingToken);
  $('force-reason').value = '';
  $('force-error').hidden = true;
  dialog.dataset.key = row.key;
  dialog.dataset.fence = String(row.fencingToken);
  dialog.dataset.terraformLockId = row.plainRun ? (row.labels?.['terraform-lock-id'] ?? '') : '';
  dialog.onclose = () => opener.isConnected ? opener.focus() : $('main').focus();
  dialog.showModal();
  $('force-reason').focus();
}

// A dialog whose request is in flight stays open (Escape too), so its outcome is seen.
export function holdWhileBusy(dialog, button) {
  dialog.addEventListener('cancel', (ev) => { if (button.disabled) ev.preventDefault(); });
}

export function setUpForceRelease() {
  const dialog = $('force-dialog');
  holdWhileBusy(dialog, $('force-confirm'));
  $('force-cancel').addEventListener('click', () => dialog.close());
  $('force-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const reason = $('force-reason').value.trim();
    if (!reason) { $('force-reason').focus(); return; }
    const body = { key: dialog.dataset.key, reason, expectedFencingToken: Number(dialog.dataset.fence) };
    if (dialog.dataset.terraformLockId) body.terraformLockId = dialog.dataset.terraformLockId;
    $('force-confirm').disabled = true;
    try {
      const result = await post('force-release', body);
      dialog.close();
      showMessage(result.released ? `Released ${body.key}.` : `${body.key} was not held: nothing to release.`);
    } catch (e) {
      $('force-error').textContent = explain(e);
      $('force-error').hidden = false;
    } finally {
      $('force-confirm').disabled = false;
    }
  });
}
