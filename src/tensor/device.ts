// Device names: 'cpu', 'cuda', 'cuda:N'. Checked natively so that asking for a
// GPU that is not there fails at once, listing the devices there are.
import { native } from '../native/binding.js';

export type Device = 'cpu' | 'cuda' | `cuda:${number}`;

export function checkDevice(device: string): Device {
  if (typeof device !== 'string') throw new TypeError(`device must be a string such as 'cpu' or 'cuda:0'`);
  return native().checkDevice(device) as Device;
}
