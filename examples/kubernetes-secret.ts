/**
 * Seed guide, "Option C: Kubernetes Secret (for container environments)".
 *
 * Kubernetes mounts a Secret as a directory with one file per key, not as one JSON file
 * (the seed's `json.loads(Path(...).read_text())` would fail on a directory). `fromFile`
 * reads such a directory: file names are the keys, trailing newlines are stripped.
 *
 *   apiVersion: v1
 *   kind: Secret
 *   metadata: { name: proxmox-credentials }
 *   type: Opaque
 *   stringData:
 *     host: "pve.example.com"
 *     user: "automation@pve"
 *     token_name: "my-automation-token"
 *     token_value: "12345678-abcd-1234-abcd-1234567890ab"
 *
 * and in the pod spec, mounted private (the default 0644 is refused, like ssh refuses keys):
 *
 *   volumes:
 *     - name: proxmox-credentials
 *       secret: { secretName: proxmox-credentials, defaultMode: 0400 }
 *   containers:
 *     - volumeMounts:
 *         - { name: proxmox-credentials, mountPath: /var/run/secrets/proxmox-credentials, readOnly: true }
 *
 *   node --import tsx examples/kubernetes-secret.ts [dir]
 */
import { ProxmoxSDK } from '../src/index.js';

const dir = process.argv[2] ?? '/var/run/secrets/proxmox-credentials';

await using px = await ProxmoxSDK.fromFile(dir);
const nodes: Array<{ node: string }> = await px.nodes.get();
console.log(`credentials from ${dir}: ${nodes.length} nodes`);
