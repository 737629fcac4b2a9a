#!/usr/bin/env python3
"""Writes N inetOrgPerson+posixAccount entries as LDIF, with {SSHA} passwords, as OpenLDAP's
slapcat would. Deterministic: the same N gives the same file. Used by bench/import.sh and
bench/ldap/run.sh for both skydir and slapd so they load identical data.

    gen_users.py N [SUFFIX] [HASH [COUNT]]

With HASH, the first COUNT users (default 1000) get that userPassword instead (e.g. one
{ARGON2} hash from slappasswd, so binds cost the same on both servers)."""
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
special = sys.argv[3] if len(sys.argv) > 3 else None
special_n = int(sys.argv[4]) if len(sys.argv) > 4 else 1000
special64 = base64.b64encode(special.encode()).decode() if special else None
for i in range(1, n + 1):
    uid = f"user{i:06d}"
    out.write(
        f"dn: uid={uid},ou=users,{suffix}\n"
        "objectClass: inetOrgPerson\nobjectClass: posixAccount\n"
        f"uid: {uid}\ncn: User {i}\ngivenName: User\nsn: Number{i}\n"
        f"mail: {uid}@example.com\ntelephoneNumber: +1 555 {i % 10000:04d}\n"
        f"uidNumber: {10000 + i}\ngidNumber: {10000 + i}\nhomeDirectory: /home/{uid}\nloginShell: /bin/bash\n"
        f"userPassword:: {special64 if special and i <= special_n else pw64}\n\n"
    )
