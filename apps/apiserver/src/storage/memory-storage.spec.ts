import { MemoryStorage } from './memory-storage';
import { describeRawStorage } from './storage-contract';

describeRawStorage('memory', async () => {
  const storage = new MemoryStorage();
  return { storage, cleanup: () => storage.close() };
});
