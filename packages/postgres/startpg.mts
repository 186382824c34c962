import { startPostgres } from '@context-storage/test-servers';

const s = await startPostgres();
console.log(s.describe().url);
setInterval(() => {}, 1000);
process.on('SIGTERM', async () => {
  await s.stop();
  process.exit(0);
});
