#!/bin/sh
# Shell completion for trustcheck and certgen: the bash scripts parse and
# complete commands, options, values and names; the zsh ones load in zsh when
# it is installed.  Env: CERTGEN, TRUSTCHECK.
set -u
. "$(dirname "$0")/lib.sh"
comp="$top/completions"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$tmp"
mkdir bin
ln -s "$CERTGEN" bin/certgen
ln -s "$TRUSTCHECK" bin/trustcheck
PATH="$tmp/bin:$PATH"
export PATH

for f in certgen.bash trustcheck.bash; do
	bash -n "$comp/$f" && ok || bad "$f does not parse"
done
# complete WORD...: what bash's completion function offers for the last word of a command line.
complete_words() {
	bash -c '
		. "$1"; . "$2"; shift 2
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		f=$(complete -p "$1" | sed "s/.*-F \([^ ]*\) .*/\1/")
		"$f" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"' sh "$comp/certgen.bash" "$comp/trustcheck.bash" "$@"
}
complete_words certgen re >got.txt
has got.txt "^renew$" "certgen re<TAB> offers renew"
has got.txt "^revoke$" "certgen re<TAB> offers revoke"
grep -q "^leaf$" got.txt && bad "certgen re<TAB> offers leaf" || ok
complete_words certgen in >got.txt
has got.txt "^install$" "certgen in<TAB> offers install"
complete_words certgen leaf --not >got.txt
has got.txt "^--not-before$" "leaf options come from its --help"
has got.txt "^--not-after$" "leaf --not-after"
complete_words certgen --dir x leaf --key e >got.txt
has got.txt "^ec256$" "--key values"
complete_words certgen bad exp >got.txt
has got.txt "^expired$" "bad kinds from the catalogue"
"$CERTGEN" -q ca && "$CERTGEN" -q leaf www.example.test
complete_words certgen renew w >got.txt
has got.txt "^www.example.test$" "renew completes the state's names"
complete_words certgen ocsp www.example.test --signer w >got.txt
has got.txt "^www.example.test$" "ocsp --signer completes the state's names"
complete_words certgen ocsp www.example.test --s >got.txt
has got.txt "^--signer$" "ocsp options include --signer"
complete_words certgen --dir nowhere renew w >got.txt
grep -q "www.example.test" got.txt && bad "names come from --dir" || ok
complete_words trustcheck --pur >got.txt
has got.txt "^--purpose$" "trustcheck options from its --help"
complete_words trustcheck --purpose c >got.txt
has got.txt "^client$" "--purpose values"
complete_words trustcheck --format c >got.txt
has got.txt "^cbor$" "--format values"
complete_words trustcheck --policy tls >got.txt
has got.txt "^tls-server$" "--policy names from --list-policies"
complete_words trustcheck pk >got.txt
has got.txt "^pki$" "file arguments complete as files"

if command -v zsh >/dev/null 2>&1; then
	for f in _certgen _trustcheck; do
		zsh -n "$comp/$f" && ok || bad "$f does not parse in zsh"
	done
	# The functions load through compinit from an fpath entry, as installed.
	zsh -f -c "fpath=($comp \$fpath); autoload -U compinit; compinit -u -d $tmp/zcd; \
		autoload -U +X _certgen _trustcheck && whence -w _certgen _trustcheck" >z.txt 2>&1
	has z.txt "_certgen: function" "zsh loads _certgen"
	has z.txt "_trustcheck: function" "zsh loads _trustcheck"
	grep -q "^#compdef certgen" "$comp/_certgen" && ok || bad "_certgen has #compdef"
else
	echo "completion: zsh not installed; zsh scripts not loaded"
fi

# make install puts them where bash-completion and zsh look.
make -s -C "$top" install PREFIX="$tmp/inst" BUILD="${BUILD:-build}" >make.txt 2>&1 || bad "make install ($(tail -3 make.txt))"
for f in share/bash-completion/completions/certgen share/bash-completion/completions/trustcheck \
	share/zsh/site-functions/_certgen share/zsh/site-functions/_trustcheck; do
	[ -s "$tmp/inst/$f" ] && ok || bad "make install did not install $f"
done
cmp -s "$tmp/inst/share/bash-completion/completions/certgen" "$comp/certgen.bash" && ok ||
	bad "installed certgen completion is the tree's"

tb_done completion
