#!/usr/bin/env bash
# A private single-node Slurm cluster on localhost, for tests that need a real scheduler.
#
#   scripts/slurm-cluster.sh start DIR   # prints `export SLURM_CONF=DIR/slurm.conf`
#   scripts/slurm-cluster.sh stop DIR
#
# start installs slurm-wlm and munge (Debian) when missing, writes a munge key and slurm.conf into
# DIR (a folder the caller owns, without a cluster in it yet), starts munged, slurmctld and slurmd
# as plain processes (no systemd) with their pids in DIR/pids, and waits until the node is idle
# (90 s; else it prints the logs, stops what it started and exits 1). Clients (sbatch, squeue,
# scancel, scontrol) need only SLURM_CONF: slurm.conf's AuthInfo names munged's socket.
# stop ends the processes in DIR/pids, then the job step daemons (slurmstepd) that slurmd left and
# their jobs; it removes nothing and is safe to repeat or to call after a failed start.
# Apart from the package install, nothing outside DIR is used: not /etc/slurm, /etc/munge,
# /run/munge nor any service.
#
# Unusual settings:
# - munged --force: munged refuses a socket path with a directory that is not o+x, and DIR (from
#   mktemp -d) is 0700; --force makes that a warning. Daemons and jobs run as this user anyway.
# - SlurmctldHost=HOST(127.0.0.1), NodeAddr=127.0.0.1: slurmd names itself `hostname -s`; the
#   address spares a name lookup that may fail.
# - Ports are picked free at random in 20000-32767 (below the ephemeral range), so that two
#   clusters, or one that a killed test left running, do not clash.
# - ProctrackType=proctrack/linuxproc, TaskPlugin=task/none: no cgroups (none without systemd).
# - DefMemPerCPU=RealMemory/CPUs: with CR_Core_Memory a job without --mem would get all the node's
#   memory, and jobs would run one at a time.
# - JobCompType=jobcomp/filetxt: without slurmdbd there is no sacct (22.05 has no
#   accounting_storage/filetxt), and `squeue -t all` and `scontrol show job` forget a job MinJobAge
#   (300 s) after its end, so each finished job is also a line of DIR/jobcomp.txt: `JobId=
#   JobState=... ArrayJobId= ArrayTaskId= ... ExitCode=`. (`sacct -c` reads it but drops array ids.)
#   A pending array task cancelled alone leaves no record anywhere; the still pending tasks of a
#   cancelled array are one line, with the array's JobId and no ArrayTaskId.
# - MailProg=/bin/true: the default /bin/mail is usually absent and slurmctld logs an error.
# - ReturnToService=2: the node comes back by itself when slurmd restarts.
# - SchedulerParameters=batch_sched_delay=0: a job submitted while the node is busy otherwise
#   starts up to 3 s after a slot frees (a trivial job takes ~1 s from sbatch to end, not ~3 s).
# - slurmstepd double-forks away from slurmd (its parent is pid 1) and ignores SIGTERM, so stop
#   finds each one by the socket it listens on in DIR/spool and kills it, and its tasks by parent pid.
set -euo pipefail
export PATH=$PATH:/usr/sbin:/sbin

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }

install_packages() {
    local c missing=0 sudo=()
    for c in sbatch slurmctld slurmd munged; do command -v "$c" >/dev/null || missing=1; done
    ((missing)) || return 0
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    local install=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive
        apt-get install -y -q --no-install-recommends slurm-wlm munge)
    echo "Installing slurm-wlm and munge ..." >&2
    "${install[@]}" >&2 || { "${sudo[@]}" apt-get update -q >&2 && "${install[@]}" >&2; }
}

# A random port P such that no TCP socket uses P or P+1.
free_port_pair() {
    local used p
    used=" $(awk 'FNR > 1 {
        sub(/.*:/, "", $2); n = 0
        for (i = 1; i <= 4; i++) n = n * 16 + index("0123456789ABCDEF", substr($2, i, 1)) - 1
        printf "%d ", n
    }' /proc/net/tcp /proc/net/tcp6 2>/dev/null)"
    while :; do
        p=$((20000 + RANDOM % 12767))
        [[ $used == *" $p "* || $used == *" $((p + 1)) "* ]] || { echo "$p"; return; }
    done
}

# Whether PID is a live process (not a zombie) whose command line names DIR.
ours() {
    grep -qs '^State:\s*[^Z]' "/proc/$1/status" && tr '\0' ' ' <"/proc/$1/cmdline" | grep -qF "$2/"
}

# TERM the pids, wait up to 10 s for them to end, then KILL what is left.
terminate() {
    local i pid left
    (($#)) || return 0
    kill -TERM "$@" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
        left=()
        for pid; do grep -qs '^State:\s*[^Z]' "/proc/$pid/status" && left+=("$pid"); done
        ((${#left[@]})) || return 0
        sleep 0.1
    done
    kill -KILL "${left[@]}" 2>/dev/null || true
}

# Pids of the slurmstepd processes of DIR's slurmd: those holding a socket in DIR/spool.
step_daemons() {
    local inodes
    inodes=$(awk -v spool="$1/spool/" 'index($8, spool) == 1 { printf "socket:[%s]\n", $7 }' /proc/net/unix)
    [ -n "$inodes" ] || return 0
    find /proc/[0-9]*/fd -type l -printf '%h %l\n' 2>/dev/null |
        awk 'NR == FNR { want[$0] = 1; next } $2 in want { split($1, f, "/"); print f[3] }' \
            <(echo "$inodes") - | sort -u
}

# All descendants of the given pids, by parent pid.
descendants() {
    grep -s '^PPid:' /proc/[0-9]*/status | awk -v roots="$*" '
        { split($1, f, "/"); parent[f[3]] = $2 }
        END {
            n = split(roots, queue, " ")
            for (i = 1; i <= n; i++) for (p in parent) if (parent[p] == queue[i]) { print p; queue[++n] = p }
        }'
}

stop() {
    local dir pid _ daemons=() steps tasks
    [ -f "$1/pids" ] || return 0
    dir=$(cd "$1" && pwd)
    while read -r pid _; do ours "$pid" "$dir" && daemons+=("$pid"); done <"$dir/pids"
    terminate "${daemons[@]}"
    mapfile -t steps < <(step_daemons "$dir")
    ((${#steps[@]})) || return 0
    mapfile -t tasks < <(descendants "${steps[@]}")
    kill -KILL "${steps[@]}" 2>/dev/null || true
    terminate "${tasks[@]}"
}

# Starts a daemon in a session of its own, output to LOG, its pid recorded in PIDS. It inherits no
# descriptor but 0-2: munged keeps the ones it gets, and a caller reading this script's output
# through a pipe would wait for munged's end.
spawn() {
    local log=$1 pids=$2 fd
    shift 2
    (
        for fd in /proc/"$BASHPID"/fd/*; do
            fd=${fd##*/}
            if ((fd > 2)); then eval "exec $fd>&-"; fi
        done
        exec setsid "$@" </dev/null >"$log" 2>&1
    ) &
    echo "$! $1" >>"$pids"
}

start() {
    local dir=$1
    install_packages
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    [ ! -e "$dir/pids" ] || { echo "$dir already holds a cluster (stop it, and start in a new DIR)" >&2; exit 1; }
    # shellcheck disable=SC2064 # $dir is expanded now on purpose
    trap "stop $(printf %q "$dir")" EXIT
    trap 'exit 1' INT TERM HUP
    mkdir -p "$dir/state" "$dir/spool" "$dir/munge"
    : >"$dir/pids"

    local key=$dir/munge/munge.key socket=$dir/munge/munge.socket
    dd if=/dev/urandom of="$key" bs=1 count=1024 status=none
    chmod 0400 "$key"
    spawn "$dir/munge/munged.log" "$dir/pids" munged --foreground --force --socket="$socket" \
        --key-file="$key" --pid-file="$dir/munge/munged.pid" --seed-file="$dir/munge/munged.seed"

    local node cpus mem port
    node=$(slurmd -C | head -n 1)
    cpus=$(sed -n 's/.* CPUs=\([0-9]*\).*/\1/p' <<<"$node")
    mem=$(sed -n 's/.* RealMemory=\([0-9]*\).*/\1/p' <<<"$node")
    port=$(free_port_pair)
    cat >"$dir/slurm.conf" <<EOF
ClusterName=milpkit
SlurmctldHost=$(hostname -s)(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=$(id -un)
SlurmdUser=$(id -un)
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=$((mem / cpus))
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/jobcomp.txt
MailProg=/bin/true
ReturnToService=2
SchedulerParameters=batch_sched_delay=0
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
    export SLURM_CONF=$dir/slurm.conf
    spawn "$dir/slurmctld.out" "$dir/pids" slurmctld -D -f "$SLURM_CONF"
    spawn "$dir/slurmd.out" "$dir/pids" slurmd -D -f "$SLURM_CONF"

    local deadline=$((SECONDS + 90)) pid name failure=
    until [ "$(sinfo -h -N -o %T 2>/dev/null)" = idle ]; do
        while read -r pid name; do ours "$pid" "$dir" || failure="$name exited"; done <"$dir/pids"
        ((SECONDS < deadline)) || failure="the node is not idle after 90 s"
        if [ -n "$failure" ]; then
            echo "Slurm cluster in $dir failed to start: $failure. Logs:" >&2
            tail -n 40 "$dir/munge/munged.log" "$dir/slurmctld.out" "$dir/slurmd.out" >&2 || true
            exit 1
        fi
        sleep 0.2
    done
    trap - EXIT INT TERM HUP
    echo "export SLURM_CONF=$SLURM_CONF"
}

(($# == 2)) || usage
case $1 in
start) start "$2" ;;
stop) stop "$2" ;;
*) usage ;;
esac
