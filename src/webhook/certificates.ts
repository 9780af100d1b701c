/**
 * The serving certificate and key, read from files and swapped into the running server when they change
 * (cert-manager renews them in place). A pair that does not load (half-written, key and cert mismatched) is
 * logged and the current one stays; the next change tries again.
 */
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import type { Server } from 'node:https';
import { fileProblem } from '../bounded-file.js';
import { TollgateError } from '../model/errors.js';
import { watchFiles, type StopWatching } from './file-watch.js';
import type { Logger } from './logger.js';

export interface KeyPair {
  readonly cert: Buffer;
  readonly key: Buffer;
}

function readPart(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw fileProblem(error, file, `TLS ${what}`) ?? new TollgateError(`cannot read the TLS ${what}`, { file });
  }
}

/** Reads and checks the pair (createSecureContext rejects a key that does not match the certificate). */
export function readKeyPair(certFile: string, keyFile: string): KeyPair {
  const pair = { cert: readPart(certFile, 'certificate'), key: readPart(keyFile, 'key') };
  try {
    createSecureContext(pair);
  } catch (error) {
    throw new TollgateError(`TLS certificate and key do not load together: ${(error as Error).message}`, { file: certFile });
  }
  return pair;
}

export function watchKeyPair(
  server: Server,
  files: { readonly certFile: string; readonly keyFile: string },
  logger: Logger,
  onFailure: () => void,
  intervalMs: number,
): StopWatching {
  const { certFile, keyFile } = files;
  return watchFiles(
    [certFile, keyFile],
    () => {
      try {
        server.setSecureContext(readKeyPair(certFile, keyFile));
        logger.log('info', 'TLS certificate reloaded', { cert: certFile });
      } catch (error) {
        const message = error instanceof TollgateError ? error.format() : String(error);
        onFailure();
        logger.log('error', 'TLS certificate reload failed; the current certificate keeps serving', {
          cert: certFile,
          key: keyFile,
          error: message,
        });
      }
    },
    intervalMs,
  );
}
