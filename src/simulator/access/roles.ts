/**
 * Built-in roles per product: a role is a set of privileges. The privilege names are the
 * ones the schemas' permission checks use; the sets follow the products' documented roles.
 */
import type { ServiceName } from '../../core/services.js';

const PVE_VM_PRIVS = [
  'VM.Allocate',
  'VM.Audit',
  'VM.Backup',
  'VM.Clone',
  'VM.Config.CDROM',
  'VM.Config.CPU',
  'VM.Config.Cloudinit',
  'VM.Config.Disk',
  'VM.Config.HWType',
  'VM.Config.Memory',
  'VM.Config.Network',
  'VM.Config.Options',
  'VM.Console',
  'VM.GuestAgent.Audit',
  'VM.GuestAgent.FileRead',
  'VM.GuestAgent.FileSystemMgmt',
  'VM.GuestAgent.FileWrite',
  'VM.GuestAgent.Unrestricted',
  'VM.Migrate',
  'VM.PowerMgmt',
  'VM.Replicate',
  'VM.Snapshot',
  'VM.Snapshot.Rollback',
];

const PVE_PRIVS = [
  ...PVE_VM_PRIVS,
  'Datastore.Allocate',
  'Datastore.AllocateSpace',
  'Datastore.AllocateTemplate',
  'Datastore.Audit',
  'Group.Allocate',
  'Mapping.Audit',
  'Mapping.Modify',
  'Mapping.Use',
  'Permissions.Modify',
  'Pool.Allocate',
  'Pool.Audit',
  'Realm.Allocate',
  'Realm.AllocateUser',
  'SDN.Allocate',
  'SDN.Audit',
  'SDN.Use',
  'Sys.AccessNetwork',
  'Sys.Audit',
  'Sys.Console',
  'Sys.Incoming',
  'Sys.Modify',
  'Sys.PowerMgmt',
  'Sys.Syslog',
  'User.Modify',
];

const PVE_ROLES: Record<string, string[]> = {
  Administrator: PVE_PRIVS,
  NoAccess: [],
  PVEAdmin: PVE_PRIVS.filter(
    (p) =>
      !['Permissions.Modify', 'Realm.Allocate', 'Sys.Modify', 'Sys.PowerMgmt', 'Sys.Incoming'].includes(p),
  ),
  PVEAuditor: PVE_PRIVS.filter((p) => p.endsWith('.Audit')),
  PVEDatastoreAdmin: [
    'Datastore.Allocate',
    'Datastore.AllocateSpace',
    'Datastore.AllocateTemplate',
    'Datastore.Audit',
  ],
  PVEDatastoreUser: ['Datastore.AllocateSpace', 'Datastore.Audit'],
  PVEMappingAdmin: ['Mapping.Audit', 'Mapping.Modify', 'Mapping.Use', 'Permissions.Modify'],
  PVEMappingUser: ['Mapping.Audit', 'Mapping.Use'],
  PVEPoolAdmin: ['Pool.Allocate', 'Pool.Audit'],
  PVEPoolUser: ['Pool.Audit'],
  PVESDNAdmin: ['SDN.Allocate', 'SDN.Audit', 'SDN.Use'],
  PVESDNUser: ['SDN.Audit', 'SDN.Use'],
  PVESysAdmin: [
    'Sys.AccessNetwork',
    'Sys.Audit',
    'Sys.Console',
    'Sys.Modify',
    'Sys.PowerMgmt',
    'Sys.Syslog',
    'Permissions.Modify',
  ],
  PVETemplateUser: ['VM.Audit', 'VM.Clone'],
  PVEUserAdmin: ['Group.Allocate', 'Realm.AllocateUser', 'User.Modify'],
  PVEVMAdmin: PVE_VM_PRIVS,
  PVEVMUser: [
    'VM.Audit',
    'VM.Backup',
    'VM.Config.CDROM',
    'VM.Config.Cloudinit',
    'VM.Console',
    'VM.GuestAgent.Audit',
    'VM.PowerMgmt',
  ],
};

const PBS_PRIVS = [
  'Datastore.Allocate',
  'Datastore.Audit',
  'Datastore.Backup',
  'Datastore.Modify',
  'Datastore.Prune',
  'Datastore.Read',
  'Datastore.Verify',
  'Permissions.Modify',
  'Realm.Allocate',
  'Remote.Audit',
  'Remote.Modify',
  'Remote.Read',
  'Sys.Audit',
  'Sys.Console',
  'Sys.Modify',
  'Sys.PowerManagement',
  'Tape.Audit',
  'Tape.Modify',
  'Tape.Read',
  'Tape.Write',
];

/** pbs-api-types `acl.rs`: the roles of PBS 3 (4.x adds RemoteSyncPushOperator and two more). */
const PBS_ROLES: Record<string, string[]> = {
  Admin: PBS_PRIVS,
  Audit: ['Datastore.Audit', 'Sys.Audit'],
  NoAccess: [],
  DatastoreAdmin: [
    'Datastore.Audit',
    'Datastore.Backup',
    'Datastore.Modify',
    'Datastore.Prune',
    'Datastore.Read',
    'Datastore.Verify',
  ],
  DatastoreAudit: ['Datastore.Audit'],
  DatastoreBackup: ['Datastore.Backup'],
  DatastorePowerUser: ['Datastore.Backup', 'Datastore.Prune'],
  DatastoreReader: ['Datastore.Audit', 'Datastore.Read', 'Datastore.Verify'],
  RemoteAudit: ['Remote.Audit'],
  RemoteAdmin: ['Remote.Audit', 'Remote.Modify', 'Remote.Read'],
  RemoteSyncOperator: ['Remote.Audit', 'Remote.Read'],
  TapeAdmin: ['Tape.Audit', 'Tape.Modify', 'Tape.Read', 'Tape.Write'],
  TapeAudit: ['Tape.Audit'],
  TapeOperator: ['Tape.Audit', 'Tape.Read', 'Tape.Write'],
  TapeReader: ['Tape.Audit', 'Tape.Read'],
};

const PDM_PRIVS = [
  'Access.Audit',
  'Access.Modify',
  'Realm.Allocate',
  'Resource.Audit',
  'Resource.Manage',
  'Resource.Migrate',
  'Resource.Modify',
  'Sys.Console',
  'Sys.PowerManagement',
  'System.Audit',
  'System.Modify',
];

/** pdm-api-types `acl.rs`: three roles (the finer ones are commented out upstream). */
const PDM_ROLES: Record<string, string[]> = {
  Administrator: PDM_PRIVS,
  Auditor: ['Access.Audit', 'Resource.Audit', 'System.Audit'],
  NoAccess: [],
};

/**
 * PMG has no ACLs: a user has one role (root, admin, helpdesk, qmanager, audit; quarantine
 * users quser), and a method's check lists the roles it lets through. Here each role maps to
 * the list entries that admit it: a helpdesk user counts as qmanager and audit too (pmg-api
 * `RESTEnvironment::check_api2_permissions`); root@pam passes every check before any list.
 */
const PMG_ROLES: Record<string, string[]> = {
  root: ['root'],
  admin: ['admin'],
  helpdesk: ['helpdesk', 'qmanager', 'audit'],
  qmanager: ['qmanager'],
  audit: ['audit'],
  quser: ['quser'],
};

export const BUILTIN_ROLES: Record<ServiceName, Record<string, string[]>> = {
  PVE: PVE_ROLES,
  PBS: PBS_ROLES,
  PMG: PMG_ROLES,
  PDM: PDM_ROLES,
};

/** The role that grants everything, used in demo datasets. */
export const ADMIN_ROLE: Record<ServiceName, string> = {
  PVE: 'Administrator',
  PBS: 'Admin',
  PMG: 'admin',
  PDM: 'Administrator',
};

export const AUDIT_ROLE: Record<ServiceName, string> = {
  PVE: 'PVEAuditor',
  PBS: 'Audit',
  PMG: 'audit',
  PDM: 'Auditor',
};
