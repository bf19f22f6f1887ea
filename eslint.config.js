// eslint's flat config: the two browser scripts in one dialect (ES2022 scripts in a strict IIFE, no modules).
"use strict";
const js = require("@eslint/js");
const globals = require("globals");

module.exports = [
  { ignores: [".venv/", "node_modules/", "build/", ".data/", ".chalice/"] },
  js.configs.recommended,
  {
    files: ["chalicelib/web/static/**/*.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "script", globals: globals.browser },
    rules: {
      "no-var": "error",
      "prefer-const": "error",
      "prefer-arrow-callback": "error",
      "func-style": ["error", "declaration", { allowArrowFunctions: true }],
      eqeqeq: ["error", "smart"],
      strict: ["error", "function"],
      "no-implicit-globals": "error",
    },
  },
  {
    files: ["eslint.config.js"],
    languageOptions: { sourceType: "commonjs", globals: globals.node },
  },
];
