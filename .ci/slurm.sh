#!/bin/sh
# slurm.sh installs Slurm and munge from Debian's packages and starts a
# single-node cluster on this machine (controller and compute node are
# localhost), for the sweep tool's Slurm backend tests.
#
# Run as root, no systemd needed: the daemons are started directly. Safe to
# run twice: packages, key and config are only created when missing or
# different, daemons only started when not running, and a drained or down
# node is resumed. Exits non-zero if the node is not idle within 60 s.
set -eu

log() { echo "slurm.sh: $*" >&2; }
die() { log "$*"; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root"

# 1. Packages: slurm-wlm pulls slurmctld, slurmd and slurm-client.
if ! command -v slurmctld >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
	log "installing slurm-wlm and munge"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >&2
	apt-get install -y -q --no-install-recommends slurm-wlm munge >&2
fi

# 2. Munge: a key readable only by the munge user, then the daemon. munged
# refuses to run as root, so it runs as munge.
install -d -o munge -g munge -m 0700 /etc/munge /var/lib/munge /var/log/munge
install -d -o munge -g munge -m 0755 /run/munge
if [ ! -s /etc/munge/munge.key ]; then
	log "creating munge key"
	dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 2>/dev/null
fi
chown munge:munge /etc/munge/munge.key
chmod 0400 /etc/munge/munge.key
if ! munge -n </dev/null >/dev/null 2>&1; then
	log "starting munged"
	runuser -u munge -- /usr/sbin/munged
	i=0
	until munge -n </dev/null >/dev/null 2>&1; do
		i=$((i + 1)); [ $i -le 50 ] || die "munged did not start"
		sleep 0.1
	done
fi

# 3. slurm.conf for one node: this host, all its CPUs and memory, no
# cgroups, no accounting, daemons and jobs as root.
host=$(hostname -s)
cpus=$(nproc)
if command -v free >/dev/null 2>&1; then
	mem=$(free -m | awk '/^Mem:/ {print $2}')
else # free is in procps, which minimal images lack
	mem=$(awk '/^MemTotal:/ {print int($2 / 1024)}' /proc/meminfo)
fi
install -d -m 0755 /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
conf=$(mktemp)
cat >"$conf" <<CONF
# Written by .ci/slurm.sh: a single-node cluster on localhost.
ClusterName=dynago
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
KillWait=5
Waittime=0
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
changed=0
if ! cmp -s "$conf" /etc/slurm/slurm.conf; then
	log "writing /etc/slurm/slurm.conf (node $host, $cpus CPUs, $mem MB)"
	install -m 0644 "$conf" /etc/slurm/slurm.conf
	changed=1
fi
rm -f "$conf"

# 4. Daemons. A running daemon is found by its pid file; after a config
# change it is told to reread it.
running() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
if running /run/slurmctld.pid; then
	[ $changed = 0 ] || scontrol reconfigure >&2
else
	log "starting slurmctld"
	/usr/sbin/slurmctld
fi
if ! running /run/slurmd.pid; then
	log "starting slurmd"
	/usr/sbin/slurmd
fi

# 5. Wait for the node to be idle (resume it if an earlier run left it down).
i=0
while :; do
	state=$(sinfo -h -N -n "$host" -o %T 2>/dev/null || true)
	case $state in
	idle | mixed | allocated) break ;;
	down* | drain* | drained* | fail*)
		scontrol update NodeName="$host" State=RESUME >/dev/null 2>&1 || true ;;
	esac
	i=$((i + 1))
	[ $i -le 120 ] || die "node $host not idle after 60 s (state '$state'); see /var/log/slurm/"
	sleep 0.5
done
log "node $host is $state"
