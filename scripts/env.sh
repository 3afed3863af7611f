# Sourced by the scripts: the tools they need first on PATH.
# binaryen's wasm-opt from npm must win over any system one (Debian's breaks hydration).
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
