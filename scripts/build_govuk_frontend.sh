#!/usr/bin/env bash
# Rebuilds the vendored GOV.UK Frontend assets in static/govuk/.
# The portal is not a GOV.UK service, so the stylesheet is compiled with an
# Arial/Helvetica stack and without the GDS Transport font face, and no crown
# or crest images are vendored. Node is needed only to run this script, never
# at run time.
set -euo pipefail
VERSION="${GOVUK_FRONTEND_VERSION:-6.6.0}"
here="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
npm install --silent "govuk-frontend@${VERSION}" sass >/dev/null
cat > portal.scss <<'SCSS'
@use "node_modules/govuk-frontend/dist/govuk" with (
  $govuk-font-family: (arial, "Helvetica Neue", helvetica, sans-serif),
  $govuk-include-default-font-face: false,
  $govuk-assets-path: "/static/govuk/assets/"
);
SCSS
npx sass --style=compressed --no-source-map --quiet portal.scss govuk-frontend.min.css
# The footer's copyright crest is not vendored (see above) and the portal never shows it; drop its
# image so collectstatic's hashed storage does not fail on a missing file.
sed -i -E 's#(-webkit-mask-image|mask-image|background-image):url\("/static/govuk/assets/images/govuk-crest\.svg"\);?##g' govuk-frontend.min.css
! grep -q 'govuk-crest' govuk-frontend.min.css
out="$here/static/govuk"
rm -rf "$out"
mkdir -p "$out/assets/images"
cp govuk-frontend.min.css "$out/"
cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js "$out/"
# Not the GOV.UK favicon (the crown): the portal has its own, static/portal/favicon.svg.
cp node_modules/govuk-frontend/LICEN[CS]E* "$out/" 2>/dev/null || true
echo "govuk-frontend ${VERSION}" > "$out/VERSION"
echo "built GOV.UK Frontend ${VERSION} into $out"
