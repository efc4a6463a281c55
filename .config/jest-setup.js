/*
 * Jest setup for the frontend (jsdom), as @grafana/create-plugin scaffolds .config/jest-setup.js.
 */
require('@testing-library/jest-dom');
/* global HTMLCanvasElement */
const util = require('util');

Object.assign(global, { TextDecoder: util.TextDecoder, TextEncoder: util.TextEncoder });

// https://jestjs.io/docs/manual-mocks#mocking-methods-which-are-not-implemented-in-jsdom
Object.defineProperty(global, 'matchMedia', {
  writable: true,
  value: (query) => ({
    matches: false,
    media: query,
    onchange: null,
    addListener: () => {},
    removeListener: () => {},
    addEventListener: () => {},
    removeEventListener: () => {},
    dispatchEvent: () => false,
  }),
});

HTMLCanvasElement.prototype.getContext = () => null;
