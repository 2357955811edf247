#!/bin/bash
# camdeck .deb/.rpm post-remove: undo after-install.sh (command link, AppArmor profile) and let udev drop
# the OpenMV rules the package just removed. ${executable} is an electron-builder macro.

APP_DIR='/opt/${sanitizedProductName}'
BIN='${executable}'

if type update-alternatives >/dev/null 2>&1; then
  update-alternatives --remove "$BIN" "$APP_DIR/$BIN" || true
else
  rm -f "/usr/bin/$BIN"
fi

PROFILE_DST="/etc/apparmor.d/$BIN"
if [ -f "$PROFILE_DST" ]; then
  if apparmor_status --enabled >/dev/null 2>&1 && ! { [ -x /usr/bin/ischroot ] && /usr/bin/ischroot; } \
    && hash apparmor_parser 2>/dev/null; then
    apparmor_parser --remove "$PROFILE_DST" || true
  fi
  rm -f "$PROFILE_DST"
fi

if hash udevadm 2>/dev/null && [ -d /run/udev ]; then
  udevadm control --reload-rules || true
fi

exit 0
