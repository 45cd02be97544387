import { describe, expect, it } from 'vitest';
import { propertyString } from '../../src/typed/property-strings.js';

describe('propertyString (typed codec from the schema table)', () => {
  it('formats and parses a PVE NIC', async () => {
    const net = await propertyString('PVE', 'POST /nodes/{node}/qemu', 'net');
    expect(net.format({ model: 'virtio', bridge: 'vmbr0', firewall: true, tag: 10 })).toBe(
      'virtio,bridge=vmbr0,firewall=1,tag=10',
    );
    expect(net.parse('virtio=BC:24:11:00:00:01,bridge=vmbr0')).toEqual({
      model: 'virtio',
      macaddr: 'BC:24:11:00:00:01',
      bridge: 'vmbr0',
    });
  });

  it('handles PBS nested formats', async () => {
    const tuning = await propertyString('PBS', 'POST /config/datastore', 'tuning');
    expect(Object.keys(tuning.keys)).toContain('chunk-order');
    expect(tuning.parse('chunk-order=none')).toEqual({ 'chunk-order': 'none' });
  });

  it('refuses a parameter that is no property string', async () => {
    await expect(propertyString('PVE', 'POST /nodes/{node}/qemu', 'name' as never)).rejects.toThrow(
      /no property string/,
    );
  });
});
