#!/usr/bin/env bash
# Fails when a translatable string of the app has no French translation, when
# po/fr.po has fuzzy entries, or when a source file with translatable strings
# is missing from po/POTFILES.in.
set -euo pipefail

source_root=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$source_root"

status=0

# Every file that marks strings for translation must be listed.
while IFS= read -r file; do
  if ! grep -qxF "$file" po/POTFILES.in; then
    echo "FAIL: $file has translatable strings but is not in po/POTFILES.in"
    status=1
  fi
done < <(grep -rlE '(^|[^A-Za-z_])(N|C|NC)?_ ?\(|translatable="yes"' src resources data 2>/dev/null \
           | grep -E '\.(c|ui|xml\.in|desktop\.in)$' | sort)

xgettext --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=C_:1c,2 \
  --keyword=NC_:1c,2 --keyword=g_dngettext:2,3 --keyword=ngettext:1,2 \
  --add-comments=Translators --files-from=po/POTFILES.in \
  --output="$work/atlaas.pot" 2>"$work/xgettext.log" || { cat "$work/xgettext.log"; exit 1; }

msgmerge --quiet --no-fuzzy-matching "po/fr.po" "$work/atlaas.pot" -o "$work/fr.po"
stats=$(msgfmt --statistics --check -o /dev/null "$work/fr.po" 2>&1)
echo "fr.po against the sources: $stats"
case "$stats" in
  *untranslated*|*fuzzy*)
    msgattrib --untranslated --only-fuzzy "$work/fr.po" 2>/dev/null || true
    msgattrib --untranslated "$work/fr.po" | grep '^msgid' | head -50
    status=1
    ;;
esac

exit $status
