export { connectSsh, SshError, type SshConnection, type SshConnectOptions, type SshAuth, type SshTarget } from './connection';
export { exec, execStream, type ExecOptions, type ExecResult, type ExecStream, type ExecStreamOptions } from './exec';
export { openShell, type RemoteShell, type ShellOptions } from './shell';
export {
  checkHostKey, fingerprintOf, HostKeyError, MemoryHostKeyStore, parseKnownHosts, matchesHost,
  type HostKey, type HostKeyStore, type HostKeyPolicyOptions,
} from './hostKeys';
