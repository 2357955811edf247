// The decode worker: one for all cameras. It turns an encoded frame into an ImageBitmap off the page's main
// thread and hands both the bitmap and the bytes back by transfer.
import { handleDecodeRequest, type WorkerScope } from './decode-worker-core';

const scope = self as unknown as WorkerScope;
scope.onmessage = (ev) => void handleDecodeRequest(ev.data, scope);
