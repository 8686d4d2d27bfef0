import { type ReactNode, useState } from 'react';
import type { DriverInfo } from '../../../shared/api/types.js';
import { useEditorStore, useSession } from '../session-context.js';
import { DeviceForm } from './DeviceForm.js';
import { savedNotice } from './edit-notices.js';
import { ErrorNotice } from './ErrorNotice.js';
import { Modal } from './Modal.js';

function AddForm({ driver, picker, onClose }: { driver: DriverInfo; picker: ReactNode; onClose(): void }) {
  const editor = useSession().editor;
  return (
    <DeviceForm
      driver={driver}
      picker={picker}
      onClose={onClose}
      save={(device) => editor.addDevice(device)}
      onSaved={(device, savedTo) => {
        editor.navigation.getState().selectDevice(device.id);
        editor.navigation.getState().setNotice(`Device "${device.name}" (${device.id}) added. ${savedNotice(savedTo)}`);
        onClose();
      }}
    />
  );
}

/** "Add device": pick a driver, fill its generated settings form, poll groups, save through the host. */
export function AddDeviceDialog({ onClose }: { onClose(): void }) {
  const session = useSession();
  const drivers = useEditorStore('drivers', (s) => s.drivers);
  const loaded = useEditorStore('drivers', (s) => s.loaded);
  const error = useEditorStore('drivers', (s) => s.error);
  const [driverId, setDriverId] = useState('');
  const driver = drivers.find((d) => d.id === driverId) ?? (drivers.length === 1 ? drivers[0] : undefined);
  return (
    <>
      {driver === undefined ? (
        <Modal title="Add a device" onClose={onClose} size="large" testId="add-device-dialog">
          {error !== undefined && (
            <>
              <ErrorNotice what="Could not list the drivers" error={error} />
              <button type="button" className="button" onClick={() => void session.editor.loadDrivers()}>
                Try again
              </button>
            </>
          )}
          {!loaded && error === undefined && <p>Loading drivers…</p>}
          {loaded && <DriverPicker drivers={drivers} value={driverId} onChange={setDriverId} />}
        </Modal>
      ) : (
        <AddForm key={driver.id} driver={driver} onClose={onClose} picker={<DriverPicker drivers={drivers} value={driver.id} onChange={setDriverId} />} />
      )}
    </>
  );
}

function DriverPicker({ drivers, value, onChange }: { drivers: readonly DriverInfo[]; value: string; onChange(id: string): void }) {
  return (
    <div className="form-row">
      <label className="form-label" htmlFor="driver-select">
        Driver<span className="required"> * required</span>
      </label>
      <div className="form-control">
        <select id="driver-select" data-testid="driver-select" value={value} onChange={(e) => onChange(e.target.value)}>
          {value === '' && <option value="">Choose the device’s protocol…</option>}
          {drivers.map((d) => (
            <option key={d.id} value={d.id}>
              {d.title} ({d.id})
            </option>
          ))}
        </select>
        <div className="field-help">The protocol the device speaks; the settings below follow from it (changing it clears them).</div>
      </div>
    </div>
  );
}
