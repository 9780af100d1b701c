/** Certificates for the HTTPS tests, made with the openssl CLI: a CA and a server certificate for 127.0.0.1. */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TlsFiles {
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly ca: Buffer;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}

/** A fresh CA plus a server certificate (subject CN = commonName) signed by it. */
export function makeTlsFiles(dir: string, commonName = 'tollgate-test'): TlsFiles {
  openssl(
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', `/CN=${commonName}-ca`],
    dir,
  );
  return issueServerCertificate(dir, commonName);
}

/** A new server key and certificate from the CA in dir, written to server.crt / server.key. */
export function issueServerCertificate(dir: string, commonName: string): TlsFiles {
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key.new', '-out', 'server.csr', '-subj', `/CN=${commonName}`], dir);
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.crt.new',
      '-days',
      '1',
      '-extfile',
      'server.ext',
    ],
    dir,
  );
  // Write the pair in place the way a renewal does: certificate and key files rewritten.
  writeFileSync(join(dir, 'server.key'), readFileSync(join(dir, 'server.key.new')));
  writeFileSync(join(dir, 'server.crt'), readFileSync(join(dir, 'server.crt.new')));
  return {
    caFile: join(dir, 'ca.crt'),
    certFile: join(dir, 'server.crt'),
    keyFile: join(dir, 'server.key'),
    ca: readFileSync(join(dir, 'ca.crt')),
  };
}
