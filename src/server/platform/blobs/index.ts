export { BlobStore, BlobTooLargeError, blobStoreFor, type StoredBlob } from './store.js';
