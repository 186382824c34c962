// The keyv package's setup: one throwaway standalone Redis (and the type of what it provides).
export { default } from '../../keyv/test/global-setup.js';
