#!/bin/bash
# Prints the sandbox's initial CIB (written to every member before its first boot, so the
# cluster starts configured and without a long DC election wait). Modelled on an LXC/Docker
# cluster: per-node fence_ipmilan devices, dlm-clone, group docker (dockerIP, dockerd),
# dregistry, plus a remote node and a guest node, each running a Dummy.
set -eu
. "$(dirname "$0")/common.sh"
PW=$(cat "$STATE/ipmi_password")
FEATURES=$(${NODE_ROOT:+chroot "$NODE_ROOT"} pacemakerd --features 2>/dev/null | sed -n 's/.*Supporting v\([0-9.]*\).*/\1/p' | head -n1)
FEATURES=${FEATURES:-3.16.1}

nv() { echo "          <nvpair id=\"$1-$2\" name=\"$2\" value=\"$3\"/>"; }
monitor() { echo "        <operations><op id=\"$1-monitor-$2\" name=\"monitor\" interval=\"$2\"${3:+ timeout=\"$3\"}/></operations>"; }
dummy() {
    echo "      <primitive id=\"$1\" class=\"ocf\" provider=\"pacemaker\" type=\"Dummy\">"
    monitor "$1" 10s 20s
    echo "      </primitive>"
}
fence() {
    local h=$1 id="fence-$1"
    echo "      <primitive id=\"$id\" class=\"stonith\" type=\"fence_ipmilan\">"
    echo "        <instance_attributes id=\"$id-ia\">"
    nv "$id" ip "$(bmc_ip "$h")"
    nv "$id" username "$IPMI_USER"
    nv "$id" password "$PW"
    nv "$id" lanplus 1
    nv "$id" cipher 3
    nv "$id" pcmk_host_list "$h"
    nv "$id" pcmk_host_check static-list
    echo "        </instance_attributes>"
    monitor "$id" 60s 20s
    echo "      </primitive>"
}

cat <<END
<cib crm_feature_set="$FEATURES" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">
  <configuration>
    <crm_config>
      <cluster_property_set id="cib-bootstrap-options">
$(nv cib-bootstrap-options cluster-name "$CLUSTER_NAME")
$(nv cib-bootstrap-options stonith-enabled true)
$(nv cib-bootstrap-options dc-deadtime 5s)
$(nv cib-bootstrap-options cluster-recheck-interval 1min)
      </cluster_property_set>
    </crm_config>
    <nodes/>
    <resources>
END
for h in $(bmc_hosts); do fence "$h"; done
cat <<END
      <clone id="dlm-clone">
        <meta_attributes id="dlm-clone-meta">
$(nv dlm-clone-meta interleave true)
        </meta_attributes>
        <primitive id="dlm" class="ocf" provider="pacemaker" type="Dummy">
          <operations><op id="dlm-monitor-30s" name="monitor" interval="30s" timeout="20s"/></operations>
        </primitive>
      </clone>
      <group id="docker">
$(dummy dockerIP)
$(dummy dockerd)
      </group>
$(dummy dregistry)
END
for r in "${REMOTES[@]}"; do
cat <<END
      <primitive id="$r" class="ocf" provider="pacemaker" type="remote">
        <instance_attributes id="$r-ia">
$(nv "$r" server "$(host_ip "$r")")
$(nv "$r" reconnect_interval 15s)
        </instance_attributes>
$(monitor "$r" 30s 30s)
      </primitive>
$(dummy "$r-dummy")
END
done
for g in "${GUESTS[@]}"; do
cat <<END
      <primitive id="$g-vm" class="ocf" provider="sandbox" type="GuestNS">
        <instance_attributes id="$g-vm-ia">
$(nv "$g-vm" guest "$g")
$(nv "$g-vm" addr "$(host_ip "$g")")
$(nv "$g-vm" state "$STATE")
$(nv "$g-vm" sandbox_dir "$SB_DIR")
        </instance_attributes>
        <meta_attributes id="$g-vm-meta">
$(nv "$g-vm-meta" remote-node "$g")
$(nv "$g-vm-meta" remote-addr "$(host_ip "$g")")
        </meta_attributes>
        <operations>
          <op id="$g-vm-monitor-10s" name="monitor" interval="10s" timeout="20s"/>
          <op id="$g-vm-start-0" name="start" interval="0s" timeout="60s"/>
          <op id="$g-vm-stop-0" name="stop" interval="0s" timeout="30s"/>
        </operations>
      </primitive>
$(dummy "$g-dummy")
END
done
cat <<END
    </resources>
    <constraints>
END
for h in $(bmc_hosts); do
    echo "      <rsc_location id=\"location-fence-$h-avoids-$h\" rsc=\"fence-$h\" node=\"$h\" score=\"-INFINITY\"/>"
done
cat <<END
      <rsc_location id="location-dlm-clone-members-only" rsc="dlm-clone">
        <rule id="location-dlm-clone-members-only-rule" score="-INFINITY">
          <expression id="location-dlm-clone-members-only-expr" attribute="#kind" operation="ne" value="cluster"/>
        </rule>
      </rsc_location>
      <rsc_order id="order-dlm-clone-then-docker" first="dlm-clone" first-action="start" then="docker" then-action="start" kind="Mandatory"/>
      <rsc_colocation id="colocation-docker-with-dlm-clone" rsc="docker" with-rsc="dlm-clone" score="INFINITY"/>
      <rsc_order id="order-docker-then-dregistry" first="docker" first-action="start" then="dregistry" then-action="start" kind="Mandatory"/>
      <rsc_colocation id="colocation-dregistry-with-docker" rsc="dregistry" with-rsc="docker" score="INFINITY"/>
      <rsc_location id="location-docker-prefers-cluster-1" rsc="docker" node="cluster-1" score="50"/>
END
for r in "${REMOTES[@]}" "${GUESTS[@]}"; do
    echo "      <rsc_location id=\"location-$r-dummy-on-$r\" rsc=\"$r-dummy\" node=\"$r\" score=\"INFINITY\"/>"
done
for g in "${GUESTS[@]}"; do
cat <<END
      <rsc_location id="location-$g-vm-members-only" rsc="$g-vm">
        <rule id="location-$g-vm-members-only-rule" score="-INFINITY">
          <expression id="location-$g-vm-members-only-expr" attribute="#kind" operation="ne" value="cluster"/>
        </rule>
      </rsc_location>
END
done
cat <<END
    </constraints>
    <rsc_defaults>
      <meta_attributes id="rsc_defaults-options">
$(nv rsc_defaults-options migration-threshold 3)
$(nv rsc_defaults-options resource-stickiness 100)
      </meta_attributes>
    </rsc_defaults>
    <op_defaults>
      <meta_attributes id="op_defaults-options">
$(nv op_defaults-options timeout 60s)
      </meta_attributes>
    </op_defaults>
  </configuration>
  <status/>
</cib>
END
