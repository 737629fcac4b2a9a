#!/usr/bin/env python3
"""Writes N inetOrgPerson+posixAccount entries as LDIF, with {SSHA} passwords, as OpenLDAP's
slapcat would. Deterministic: the same N gives the same file. Used by bench/import.sh for both
skydir and slapd so they load identical data."""
import base64, hashlib, sys

n = int(sys.argv[1])
suffix = sys.argv[2] if len(sys.argv) > 2 else "dc=example,dc=com"
out = sys.stdout
out.write(f"dn: {suffix}\nobjectClass: top\nobjectClass: dcObject\nobjectClass: organization\no: example\ndc: example\n\n")
out.write(f"dn: ou=users,{suffix}\nobjectClass: organizationalUnit\nou: users\n\n")
salt = b"benchslt"
digest = hashlib.sha1(b"bench password" + salt).digest()
ssha = "{SSHA}" + base64.b64encode(digest + salt).decode()
pw64 = base64.b64encode(ssha.encode()).decode()
for i in range(1, n + 1):
    uid = f"user{i:06d}"
    out.write(
        f"dn: uid={uid},ou=users,{suffix}\n"
        "objectClass: inetOrgPerson\nobjectClass: posixAccount\n"
        f"uid: {uid}\ncn: User {i}\ngivenName: User\nsn: Number{i}\n"
        f"mail: {uid}@example.com\ntelephoneNumber: +1 555 {i % 10000:04d}\n"
        f"uidNumber: {10000 + i}\ngidNumber: {10000 + i}\nhomeDirectory: /home/{uid}\nloginShell: /bin/bash\n"
        f"userPassword:: {pw64}\n\n"
    )
