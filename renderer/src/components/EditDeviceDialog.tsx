import { useEditorStore, useSession } from '../session-context.js';
import { DeviceForm } from './DeviceForm.js';
import { savedNotice } from './edit-notices.js';
import { Modal } from './Modal.js';

/** "Edit device": the add form, filled from the running project; saving restarts this device only. */
export function EditDeviceDialog({ deviceId, onClose }: { deviceId: string; onClose(): void }) {
  const editor = useSession().editor;
  const device = useEditorStore('project', (s) => s.project?.devices.find((d) => d.id === deviceId));
  const driver = useEditorStore('drivers', (s) => s.drivers.find((d) => d.id === device?.driver));
  if (device === undefined || driver === undefined) {
    return (
      <Modal title="Edit device" onClose={onClose} testId="edit-device-dialog">
        <p>Loading the device and its driver…</p>
      </Modal>
    );
  }
  return (
    <DeviceForm
      driver={driver}
      editing={device}
      onClose={onClose}
      save={(next) => editor.updateDevice(next)}
      onSaved={(next, savedTo) => {
        const what = next.enabled ? 'reconnected with the new settings' : 'disabled: it no longer connects';
        editor.navigation.getState().setNotice(`Device "${next.name}" updated and ${what}; the other devices kept running. ${savedNotice(savedTo)}`);
        onClose();
      }}
    />
  );
}
