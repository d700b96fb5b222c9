# SPDX-License-Identifier: GPL-2.0-only
# bash completion for ktstr (installed by meson into bash-completion's completionsdir).
_ktstr()
{
	local cur prev words cword
	_init_completion 2>/dev/null || {
		cur=${COMP_WORDS[COMP_CWORD]}
		prev=${COMP_WORDS[COMP_CWORD - 1]}
		words=("${COMP_WORDS[@]}")
		cword=$COMP_CWORD
	}
	local cmds="cleanup kernel list report run shell stats topo verifier help"
	if [ "$cword" -eq 1 ]; then
		COMPREPLY=($(compgen -W "$cmds --help --version" -- "$cur"))
		return
	fi
	local cmd=${words[1]}
	case "$prev" in
	--scenario)
		COMPREPLY=($(compgen -W "$(ktstr list --json 2>/dev/null |
			sed -n 's/.*"name": "\([^"]*\)".*/\1/p')" -- "$cur"))
		return ;;
	--category)
		COMPREPLY=($(compgen -W "$(ktstr list 2>/dev/null | sed -n 's/^\([a-z_]*\):$/\1/p')" \
			-- "$cur"))
		return ;;
	--scheduler)
		COMPREPLY=($(compgen -W "eevdf scx_ktstr" -- "$cur") $(compgen -f -- "$cur"))
		return ;;
	--topology)
		COMPREPLY=($(compgen -W "1n1l2c1t 1n2l2c1t 1n1l2c2t 1n2l4c1t 2n2l2c1t" -- "$cur"))
		return ;;
	--kernel|--junit|-i|--include-file|-o|--output)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	--duration|--workers|--timeout|-j|--jobs|--retries|--repeat|--sched-args|--exec|--memory-mb|\
	--a-scheduler|--b-scheduler|--a-kernel|--b-kernel|--a-args|--b-args|--threshold|--partition)
		return ;;
	esac
	local opts
	case "$cmd" in
	run) opts="--scheduler --sched-args --topology --scenario --category --all --duration
		--workers --timeout --kernel --jobs -j --retries --flaky-fails --auto-repro --repeat --json --junit
		--no-skip --no-build --trace --partition --plan --no-snapshot
		--verbose --quiet --help" ;;
	list) opts="--category --json --help" ;;
	shell) opts="--topology --kernel --scheduler --sched-args --memory-mb --include-file -i
		--exec --help" ;;
	stats) opts="list show compare merge --output -o --json --help --runs-dir --threshold --changed --a-scheduler
		--b-scheduler --a-kernel --b-kernel --a-args --b-args --scenario --topology" ;;
	report) opts="--output -o --runs-dir --threshold --max-points --a-scheduler --b-scheduler
		--a-kernel --b-kernel --a-args --b-args --scenario --topology --help" ;;
	kernel) opts="fetch list check resolve --help" ;;
	topo) opts="--vm --kernel --memory --timeout --cmdline --json --help" ;;
	cleanup) opts="--dry-run --templates --days --help" ;;
	verifier) opts="--scheduler --compare --kernel --sched-args --topology --help" ;;
	esac
	COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}
complete -F _ktstr ktstr
