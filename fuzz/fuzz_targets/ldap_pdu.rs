//! LDAP PDU decoding + DN parsing + filter evaluation + attribute selection: everything the
//! server runs on bytes from the network before authentication matters.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = skydir_ldap::fuzzing::exercise(data);
});
