#!/usr/bin/python3
"""Writes a SYNTHETIC sample in the schema of TON_IoT's Train_Test_Network.csv.

The real TON_IoT data set is not on this machine. This file has its header and value types, with
made-up rows whose distributions differ by attack type, so the loader, the encoding and the
decoding can be tested end to end. It is not the real data: never report results on it. Point
`dataset.path` at the real Train_Test_Network.csv for real experiments.

Usage: /usr/bin/python3 scripts/make_ton_iot_sample.py OUT.csv [--rows 2000] [--seed 0]
"""
import argparse
import csv
import random

HEADER = ["ts", "src_ip", "src_port", "dst_ip", "dst_port", "proto", "service", "duration", "src_bytes", "dst_bytes",
          "conn_state", "missed_bytes", "src_pkts", "src_ip_bytes", "dst_pkts", "dst_ip_bytes", "dns_query",
          "dns_qclass", "dns_qtype", "dns_rcode", "dns_AA", "dns_RD", "dns_RA", "dns_rejected", "ssl_version",
          "ssl_cipher", "ssl_resumed", "ssl_established", "ssl_subject", "ssl_issuer", "http_trans_depth",
          "http_method", "http_uri", "http_version", "http_request_body_len", "http_response_body_len",
          "http_status_code", "http_user_agent", "http_orig_mime_types", "http_resp_mime_types", "weird_name",
          "weird_addl", "weird_notice", "label", "type"]

TYPES = ["normal", "backdoor", "ddos", "dos", "injection", "mitm", "password", "ransomware", "scanning", "xss"]


def row(rng, t):
    attack = t != "normal"
    service = rng.choice(["http", "dns", "-", "ssl"] if not attack else ["-", "http", "-", "ftp", "smb"])
    proto = "udp" if service == "dns" else rng.choice(["tcp", "tcp", "udp", "icmp"] if attack else ["tcp"])
    pkts = rng.randint(1, 20) * (50 if t in ("ddos", "dos") else 1)
    sb = pkts * rng.randint(40, 1500 if t != "scanning" else 60)
    db = 0 if t == "scanning" else rng.randint(0, 20000)
    dns = service == "dns"
    ssl = service == "ssl"
    http = service == "http"
    return {
        "ts": str(1556000000 + rng.randint(0, 10 ** 6)),
        "src_ip": f"192.168.1.{rng.randint(1, 254)}", "src_port": str(rng.randint(1024, 65535)),
        "dst_ip": f"10.0.0.{rng.randint(1, 254)}",
        "dst_port": str(rng.randint(1, 1024) if t == "scanning" else rng.choice([80, 443, 53, 21, 445, 8080])),
        "proto": proto, "service": service, "duration": f"{rng.expovariate(1 / (0.5 if attack else 3)):.6f}",
        "src_bytes": str(sb), "dst_bytes": str(db),
        "conn_state": rng.choice(["S0", "REJ", "SF", "OTH"] if attack else ["SF", "SF", "S1", "RSTO"]),
        "missed_bytes": str(rng.choice([0, 0, 0, rng.randint(1, 500)])), "src_pkts": str(pkts),
        "src_ip_bytes": str(sb + 40 * pkts), "dst_pkts": str(rng.randint(0, pkts)),
        "dst_ip_bytes": str(db + 40 * rng.randint(0, pkts)),
        "dns_query": rng.choice(["www.example.com", "time.windows.com", "-"]) if dns else "-",
        "dns_qclass": str(1 if dns else 0), "dns_qtype": str(rng.choice([1, 28]) if dns else 0),
        "dns_rcode": str(rng.choice([0, 3]) if dns else 0),
        "dns_AA": rng.choice(["T", "F"]) if dns else "-", "dns_RD": rng.choice(["T", "F"]) if dns else "-",
        "dns_RA": rng.choice(["T", "F"]) if dns else "-", "dns_rejected": rng.choice(["T", "F"]) if dns else "-",
        "ssl_version": rng.choice(["TLSv12", "TLSv13"]) if ssl else "-",
        "ssl_cipher": rng.choice(["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"]) if ssl else "-",
        "ssl_resumed": rng.choice(["T", "F"]) if ssl else "-", "ssl_established": rng.choice(["T", "F"]) if ssl else "-",
        "ssl_subject": "CN=example.com" if ssl else "-", "ssl_issuer": "CN=Example CA" if ssl else "-",
        "http_trans_depth": str(rng.randint(1, 3)) if http else "-",
        "http_method": rng.choice(["GET", "POST"]) if http else "-",
        "http_uri": rng.choice(["/", "/index.html", "/login.php?user=admin'--"]) if http else "-",
        "http_version": "1.1" if http else "-",
        "http_request_body_len": str(rng.randint(0, 400) if http else 0),
        "http_response_body_len": str(rng.randint(0, 9000) if http else 0),
        "http_status_code": str(rng.choice([200, 404, 500]) if http else 0),
        "http_user_agent": rng.choice(["Mozilla/5.0 (X11, Linux)", "curl/7.58.0"]) if http else "-",
        "http_orig_mime_types": "-", "http_resp_mime_types": rng.choice(["text/html", "-"]) if http else "-",
        "weird_name": rng.choice(["bad_TCP_checksum", "-", "-"]) if attack else "-",
        "weird_addl": "-", "weird_notice": rng.choice(["F", "-"]),
        "label": "1" if attack else "0", "type": t,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--rows", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    with open(args.out, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=HEADER)
        w.writeheader()
        for i in range(args.rows):
            t = "normal" if i % 2 == 0 else TYPES[1 + (i // 2) % (len(TYPES) - 1)]
            w.writerow(row(rng, t))
    print(f"make_ton_iot_sample.py: {args.rows} SYNTHETIC rows -> {args.out}")


if __name__ == "__main__":
    main()
