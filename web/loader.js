// Starts the app. Trunk's own loader is an inline <script>, which a Content-Security-Policy of
// `script-src 'self'` blocks; this file does the same from the page's origin (Trunk.toml turns
// off the injected loader and the hashed file names, so these names are fixed).
import init from './synack-app.js';

init({ module_or_path: './synack-app_bg.wasm' });
