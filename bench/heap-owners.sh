#!/usr/bin/env bash
# Heap growth per connection by owner, from two `jcmd GC.class_histogram` outputs (before and with N
# connections): application classes grouped by the component their package belongs to, JDK classes
# (whoever allocated them) by class. Usage: bench/heap-owners.sh BEFORE AFTER N
set -euo pipefail
awk -v n="$3" '
    function owner(c) {
        if (c ~ /^io\.massivesse\./) return "ours (io.massivesse)";
        if (c ~ /^com\.ibm\.ws\.(http|tcpchannel|channelfw|transport)|^com\.ibm\.wsspi\.(http|channelfw|tcpchannel)|^com\.ibm\.io\.async|^com\.ibm\.ws\.bytebuffer|^com\.ibm\.wsspi\.bytebuffer/) return "Liberty HTTP/TCP channel";
        if (c ~ /^com\.ibm\.ws\.webcontainer|^com\.ibm\.wsspi\.webcontainer|^io\.openliberty\.webcontainer|^com\.ibm\.ws\.session/) return "Liberty web container";
        if (c ~ /^org\.jboss\.resteasy|^io\.openliberty\.restfulWS|^com\.ibm\.ws\.jaxrs/) return "RESTEasy (JAX-RS)";
        if (c ~ /^org\.jboss\.weld|^com\.ibm\.ws\.cdi/) return "Weld (CDI)";
        if (c ~ /^(java|javax|jdk|sun)\.|^\[/) return "JDK: " c;
        return "other: " c;
    }
    FNR == 1 { file++ }
    $1 ~ /^[0-9]+:$/ {
        cls = $4; bytes = $3 + 0;
        if (file == 1) before[cls] += bytes; else after[cls] += bytes;
    }
    END {
        for (c in after) { d = after[c] - before[c]; if (d != 0) growth[owner(c)] += d; total += d }
        for (c in before) if (!(c in after)) { growth[owner(c)] -= before[c]; total -= before[c] }
        for (o in growth) if (growth[o] / n >= 100 || growth[o] / n <= -100) printf "%10.0f B  %s\n", growth[o] / n, o;
        printf "%10.0f B  total heap growth per connection (shallow sizes)\n", total / n;
    }' "$1" "$2" | sort -rn
