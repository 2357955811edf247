#!/bin/bash
# camdeck .deb/.rpm post-install. Replaces electron-builder's default after-install template (same duties:
# command link, chrome-sandbox mode, desktop/MIME caches, AppArmor profile) and adds the udev step.
# electron-builder fills in the ${executable} and ${sanitizedProductName} macros; shell variables here are
# written without braces so they are not taken for macros.

APP_DIR='/opt/${sanitizedProductName}'
BIN='${executable}'

# 1. `camdeck` on PATH
if type update-alternatives >/dev/null 2>&1; then
  if [ -L "/usr/bin/$BIN" ] && [ "$(readlink "/usr/bin/$BIN")" != "/etc/alternatives/$BIN" ]; then
    rm -f "/usr/bin/$BIN"
  fi
  update-alternatives --install "/usr/bin/$BIN" "$BIN" "$APP_DIR/$BIN" 100 || ln -sf "$APP_DIR/$BIN" "/usr/bin/$BIN"
else
  ln -sf "$APP_DIR/$BIN" "/usr/bin/$BIN"
fi

# 2. Chromium sandbox: SUID helper only where unprivileged user namespaces are unavailable
if [ -L /proc/self/ns/user ] && unshare --user true 2>/dev/null; then
  chmod 0755 "$APP_DIR/chrome-sandbox" || true
else
  chmod 4755 "$APP_DIR/chrome-sandbox" || true
fi

# 3. desktop integration caches
if hash update-mime-database 2>/dev/null; then update-mime-database /usr/share/mime || true; fi
if hash update-desktop-database 2>/dev/null; then update-desktop-database /usr/share/applications || true; fi

# 4. AppArmor profile (Ubuntu 24.04+ restricts user namespaces without it); skipped where the parser
#    rejects the profile (older AppArmor) or inside a chroot (image builds)
if apparmor_status --enabled >/dev/null 2>&1; then
  PROFILE_SRC="$APP_DIR/resources/apparmor-profile"
  PROFILE_DST="/etc/apparmor.d/$BIN"
  if apparmor_parser --skip-kernel-load --debug "$PROFILE_SRC" >/dev/null 2>&1; then
    cp -f "$PROFILE_SRC" "$PROFILE_DST"
    if ! { [ -x /usr/bin/ischroot ] && /usr/bin/ischroot; } && hash apparmor_parser 2>/dev/null; then
      apparmor_parser --replace --write-cache --skip-read-cache "$PROFILE_DST" || true
    fi
  else
    echo "camdeck: this AppArmor version does not accept the bundled profile; skipping it"
  fi
fi

# 5. udev rules for OpenMV cameras (the package installs /usr/lib/udev/rules.d/99-openmv.rules):
#    reload them and re-run them for cameras already plugged in, so no replug or reboot is needed
if hash udevadm 2>/dev/null && [ -d /run/udev ]; then
  udevadm control --reload-rules || true
  udevadm trigger --subsystem-match=tty --action=change || true
  udevadm trigger --subsystem-match=usb --action=change || true
fi

exit 0
