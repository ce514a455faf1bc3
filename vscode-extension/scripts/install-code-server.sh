#!/usr/bin/env bash
# Install what the end-to-end test needs: code-server and playwright-core from npm
# (into e2e/node_modules) and the Debian packages libkrb5-dev, ripgrep and chromium.
#
# code-server 4.100.3 is the newest release that runs on Node 20. Its registry-only
# install as root needs these fixes:
#   - its postinstall refuses to run as root without npm_config_unsafe_perm=true;
#   - the kerberos module compiles against gssapi/gssapi.h (libkrb5-dev);
#   - @vscode/ripgrep downloads rg from GitHub unless its cache already contains the
#     archive, so Debian's rg is packed into that cache under the expected name;
#   - node-pty runs `npx node-gyp`, which waits for a prompt unless npm_config_yes=true;
#   - argon2 and kerberos try to download prebuilt binaries from GitHub first, which
#     npm_config_build_from_source=true skips: they compile against /usr/include/node.
# Skips every step that is already done, so it is cheap to call before each run.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
e2e_dir="$here/e2e"
code_server_version="4.100.3"
# The @vscode/ripgrep release that code-server 4.100.3 installs, and the archive it
# looks for in its cache.
ripgrep_package_version="1.15.11"
ripgrep_archive="ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"

install_debian_packages() {
    local missing=()
    local package
    for package in libkrb5-dev ripgrep chromium; do
        if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed"; then
            missing+=("$package")
        fi
    done
    if [ "${#missing[@]}" -eq 0 ]; then
        return
    fi
    if [ "$(id -u)" -ne 0 ]; then
        echo "error: missing Debian packages: ${missing[*]}" >&2
        echo "Install them with: sudo apt-get install ${missing[*]}" >&2
        exit 1
    fi
    echo "Installing Debian packages: ${missing[*]}"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
}

seed_ripgrep_cache() {
    local cache_dir="${TMPDIR:-/tmp}/vscode-ripgrep-cache-$ripgrep_package_version"
    if [ -f "$cache_dir/$ripgrep_archive" ]; then
        return
    fi
    mkdir -p "$cache_dir"
    tar -czf "$cache_dir/$ripgrep_archive" -C "$(dirname "$(command -v rg)")" rg
}

installed_code_server_version() {
    local manifest="$e2e_dir/node_modules/code-server/package.json"
    if [ -f "$manifest" ]; then
        node -p "require('$manifest').version"
    fi
}

install_npm_packages() {
    if [ "$(installed_code_server_version)" = "$code_server_version" ] \
        && [ -d "$e2e_dir/node_modules/playwright-core" ] \
        && [ -f "$e2e_dir/node_modules/code-server/out/node/entry.js" ]; then
        return
    fi
    # `npm ci` installs exactly the committed lock file; the first install creates it.
    local npm_command=ci
    if [ ! -f "$e2e_dir/package-lock.json" ]; then
        npm_command=install
    fi
    echo "Installing code-server $code_server_version and playwright-core (a few minutes)"
    (
        cd "$e2e_dir"
        npm_config_unsafe_perm=true \
            npm_config_yes=true \
            npm_config_nodedir=/usr \
            npm_config_build_from_source=true \
            npm "$npm_command" --no-audit --no-fund --foreground-scripts
    )
}

install_debian_packages
seed_ripgrep_cache
install_npm_packages
echo "code-server $(installed_code_server_version) and chromium are ready"
