import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // CLI acceptance tests spawn the real binary and compile policies; give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Tests talk to 127.0.0.1 only: stop the cloud SDKs from probing instance metadata endpoints
    // (169.254.169.254) while they look for credentials or a project id. Spawned CLIs inherit this.
    env: { METADATA_SERVER_DETECTION: 'none', AWS_EC2_METADATA_DISABLED: 'true' },
  },
});
