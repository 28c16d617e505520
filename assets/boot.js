// Starts wslab. A file, not an inline script, so the Content-Security-Policy
// can forbid inline scripts altogether.

// Every CSP violation is recorded, so tests (and curious learners, in the
// console) can see that the policy holds.
window.__wslabCsp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__wslabCsp.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});

// Once loaded, the app works offline (see sw.js).
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js").catch((error) => console.warn("offline mode unavailable:", error));
}

import init from "/wslab.js";
await init({ module_or_path: "/wslab_bg.wasm" });
