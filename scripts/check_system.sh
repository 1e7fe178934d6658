#!/usr/bin/env bash
# WeasyPrint needs Pango from the operating system, HarfBuzz's subsetter to embed small fonts, and the
# Liberation fonts the document is set in (without them it falls back to another font: longer pages,
# different page numbers). Say clearly what is missing.
missing=()
for lib in libpango-1.0.so.0 libpangoft2-1.0.so.0 libharfbuzz.so.0 libharfbuzz-subset.so.0; do
  if ! /sbin/ldconfig -p 2>/dev/null | grep -q "$lib"; then missing+=("$lib"); fi
done
if ! fc-list 2>/dev/null | grep -qi "Liberation Sans"; then missing+=("fonts-liberation"); fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "The PDF export needs system libraries that are missing: ${missing[*]}"
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing them with apt-get…"
    apt-get update -qq && apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-liberation >/dev/null
  else
    echo "On Debian or Ubuntu: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation"
    exit 1
  fi
fi
