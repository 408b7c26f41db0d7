// One elk instance per page, running in a web worker so a layout never blocks panning or typing.
import ELK from 'elkjs/lib/elk-api';
import type { ELK as Elk } from 'elkjs/lib/elk-api';
import workerUrl from 'elkjs/lib/elk-worker.min.js?url';

let instance: Elk | null = null;

export function elk(): Elk {
  instance ??= new ELK({ workerFactory: () => new Worker(workerUrl) });
  return instance;
}
