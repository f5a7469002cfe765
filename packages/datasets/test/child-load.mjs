// Child process of fetch.test.ts: loads one file through @lec/datasets' cache and prints its digest.
// argv: root, mirror base URL, file name, sha256
import { digest, fetchFile } from '@lec/datasets';

const [root, mirror, name, sha256] = process.argv.slice(2);
const bytes = await fetchFile('mnist', { name, urls: [], sha256 }, { root, mirrors: [mirror], retries: 1, progressBar: false });
console.log(JSON.stringify({ pid: process.pid, sha256: digest(bytes, 'sha256'), bytes: bytes.length }));
