// Product and protocol versions (a unit test keeps PRODUCT_VERSION equal to package.json's).
export const PRODUCT_VERSION = '0.1.0';
export const PROTOCOL_VERSION = 'v0.9.0a10';
export const SPEC_VERSION = '1.1';
