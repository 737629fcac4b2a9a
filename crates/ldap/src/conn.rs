//! One client connection: reads PDUs through ldap3_proto's codec, answers them in order, and
//! upgrades to TLS on StartTLS. A PDU that does not decode, or one over the size limit, gets a
//! notice of disconnection (protocolError) and the connection is closed — nothing else is
//! affected. An idle connection is closed after the idle timeout.

use crate::limits;
use crate::ops::dse::{OID_NOTICE_OF_DISCONNECTION, OID_STARTTLS, OID_WHOAMI};
use crate::ops::{Ctx, bind, compare, passwd, search};
use crate::session::Identity;
use futures_util::{SinkExt, StreamExt};
use ldap3_proto::LdapCodec;
use ldap3_proto::control::LdapControl;
use ldap3_proto::proto::{
    LdapBindResponse, LdapExtendedResponse, LdapMsg, LdapOp, LdapResult, LdapResultCode,
};
use skydir_core::audit::Outcome;
use skydir_core::ports::DirectoryStore;
use skydir_core::service::AccessEvent;
use skydir_throttle::ClientKey;
use std::sync::Arc;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_rustls::TlsAcceptor;
use tokio_util::codec::Framed;

/// A byte stream a connection can run over (TCP, or TLS over TCP).
pub trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

type Conn = Framed<Box<dyn Io>, LdapCodec>;

/// Longest a search waits for the read model to apply changes committed before it.
const CATCH_UP_LIMIT: std::time::Duration = std::time::Duration::from_secs(2);

fn result(code: LdapResultCode, message: impl Into<String>) -> LdapResult {
    LdapResult {
        code,
        matcheddn: String::new(),
        message: message.into(),
        referral: Vec::new(),
    }
}

fn msg(msgid: i32, op: LdapOp) -> LdapMsg {
    LdapMsg {
        msgid,
        op,
        ctrl: Vec::new(),
    }
}

fn notice(code: LdapResultCode, message: &str) -> LdapMsg {
    msg(
        0,
        LdapOp::ExtendedResponse(LdapExtendedResponse {
            res: result(code, message),
            name: Some(OID_NOTICE_OF_DISCONNECTION.to_string()),
            value: None,
        }),
    )
}

/// Serves one connection until it closes. `tls` is the acceptor for StartTLS (`None` when the
/// stream is already TLS, i.e. LDAPS, or TLS is not configured).
/// `client` is whose budgets the connection spends (see `limits`); `None` limits nothing.
pub async fn serve<S: DirectoryStore + Clone + Send + Sync + 'static>(
    ctx: Arc<Ctx<S>>,
    io: Box<dyn Io>,
    mut tls: Option<TlsAcceptor>,
    mut secure: bool,
    client: Option<ClientKey>,
) {
    let codec = || LdapCodec::new(Some(ctx.cfg.max_message_bytes), None);
    let mut conn: Conn = Framed::new(io, codec());
    let mut id = Identity::Anonymous;
    loop {
        let next = match tokio::time::timeout(ctx.cfg.idle_timeout, conn.next()).await {
            Err(_) => {
                let _ = conn
                    .send(notice(LdapResultCode::Unavailable, "idle timeout"))
                    .await;
                return;
            }
            Ok(None) => return,
            Ok(Some(Err(e))) => {
                tracing::debug!(error = %e, "undecodable LDAP PDU; closing the connection");
                let _ = conn
                    .send(notice(
                        LdapResultCode::ProtocolError,
                        "malformed or oversized LDAP message",
                    ))
                    .await;
                return;
            }
            Ok(Some(Ok(m))) => m,
        };
        let LdapMsg { msgid, op, ctrl } = next;
        if let Some(oid) = ctrl.iter().find_map(|c| match c {
            LdapControl::Unknown {
                oid,
                criticality: true,
                ..
            } => Some(oid.clone()),
            _ => None,
        }) {
            let r = result(
                LdapResultCode::UnavailableCriticalExtension,
                format!("critical control {oid} is not supported"),
            );
            if reply_result(&mut conn, msgid, &op, r).await.is_err() {
                return;
            }
            continue;
        }
        if let Err(r) = limits::check(&ctx.cfg.throttle, client, &id, &op) {
            let (code, message) = limits::busy(&r);
            if reply_result(&mut conn, msgid, &op, result(code, message))
                .await
                .is_err()
            {
                return;
            }
            continue;
        }
        let confidential_required = || {
            result(
                LdapResultCode::ConfidentialityRequired,
                "use StartTLS or LDAPS first: credentials and directory data never travel in clear",
            )
        };
        let sent = match op {
            LdapOp::UnbindRequest => return,
            LdapOp::AbandonRequest(_) => Ok(()),
            LdapOp::BindRequest(req) => {
                // An anonymous bind carries no credentials: it is answered in clear too, so that
                // `ldapsearch -x -b '' -s base` can find out whether StartTLS is offered.
                let anonymous = limits::is_anonymous_bind(&req);
                if !secure && !anonymous {
                    id = Identity::Anonymous;
                    let res = confidential_required();
                    conn.send(msg(
                        msgid,
                        LdapOp::BindResponse(LdapBindResponse {
                            res,
                            saslcreds: None,
                        }),
                    ))
                    .await
                } else {
                    // The admin role is read from the model: let it see earlier grants.
                    let _ = ctx.model.caught_up((ctx.committed)(), CATCH_UP_LIMIT).await;
                    let out = bind::bind(&ctx, &req).await;
                    if !anonymous && !matches!(out.code, LdapResultCode::Success) {
                        limits::failed(&ctx.cfg.throttle, client);
                    }
                    id = out.identity;
                    conn.send(msg(
                        msgid,
                        LdapOp::BindResponse(LdapBindResponse {
                            res: result(out.code, out.message),
                            saslcreds: None,
                        }),
                    ))
                    .await
                }
            }
            LdapOp::SearchRequest(req) => {
                let is_root_dse = req.base.is_empty();
                if !secure && !is_root_dse {
                    conn.send(msg(
                        msgid,
                        LdapOp::SearchResultDone(confidential_required()),
                    ))
                    .await
                } else {
                    let want = (ctx.committed)();
                    if !ctx.model.caught_up(want, CATCH_UP_LIMIT).await {
                        tracing::warn!(want, "LDAP read model is behind; answering from it anyway");
                    }
                    let out = search::search(&ctx, &id, &req, &ctrl, tls.is_some());
                    let detail = serde_json::json!({
                        "scope": scope_name(&req.scope),
                        "entries": out.entries.len(),
                        "result": out.code.clone() as i32,
                    });
                    if let Some(event) = access_event(&ctx, &id, "ldap.search", &out.code, detail) {
                        ctx.access.record(event).await;
                    }
                    send_search(&mut conn, msgid, out).await
                }
            }
            LdapOp::CompareRequest(req) => {
                let out = if !secure && !req.dn.is_empty() {
                    let r = confidential_required();
                    compare::CompareOutcome {
                        code: r.code,
                        message: r.message,
                    }
                } else {
                    let want = (ctx.committed)();
                    if !ctx.model.caught_up(want, CATCH_UP_LIMIT).await {
                        tracing::warn!(want, "LDAP read model is behind; answering from it anyway");
                    }
                    let out = compare::compare(&ctx, &id, &req, tls.is_some());
                    let detail = serde_json::json!({ "result": out.code.clone() as i32 });
                    if let Some(event) = access_event(&ctx, &id, "ldap.compare", &out.code, detail)
                    {
                        ctx.access.record(event).await;
                    }
                    out
                };
                conn.send(msg(
                    msgid,
                    LdapOp::CompareResult(result(out.code, out.message)),
                ))
                .await
            }
            LdapOp::ExtendedRequest(req) if req.name == OID_STARTTLS => {
                let Some(acceptor) = tls.take() else {
                    let r = result(
                        LdapResultCode::OperationsError,
                        "TLS is already active on this connection",
                    );
                    let _ = send_ext(&mut conn, msgid, r, None).await;
                    continue;
                };
                if send_ext(
                    &mut conn,
                    msgid,
                    result(LdapResultCode::Success, ""),
                    Some(OID_STARTTLS),
                )
                .await
                .is_err()
                {
                    return;
                }
                let parts = conn.into_parts();
                if !parts.read_buf.is_empty() {
                    // RFC 4511 §4.14.1: nothing may follow StartTLS before the handshake.
                    return;
                }
                let tls_stream = match tokio::time::timeout(
                    std::time::Duration::from_secs(10),
                    acceptor.accept(parts.io),
                )
                .await
                {
                    Ok(Ok(s)) => s,
                    _ => return,
                };
                conn = Framed::new(Box::new(tls_stream), codec());
                secure = true;
                id = Identity::Anonymous;
                continue;
            }
            LdapOp::ExtendedRequest(req) if req.name == OID_WHOAMI => {
                let authz = id.authz_id();
                let value = (!authz.is_empty()).then(|| authz.into_bytes());
                conn.send(msg(
                    msgid,
                    LdapOp::ExtendedResponse(LdapExtendedResponse {
                        res: result(LdapResultCode::Success, ""),
                        name: None,
                        value,
                    }),
                ))
                .await
            }
            LdapOp::ExtendedRequest(req) if req.name == passwd::OID_PASSWORD_MODIFY => {
                let (code, message) = if secure {
                    passwd::modify(&ctx, &id, &req).await
                } else {
                    let r = confidential_required();
                    (r.code, r.message)
                };
                send_ext(&mut conn, msgid, result(code, message), None).await
            }
            LdapOp::ExtendedRequest(req) => {
                let r = result(
                    LdapResultCode::ProtocolError,
                    format!("extended operation {} is not supported", req.name),
                );
                send_ext(&mut conn, msgid, r, None).await
            }
            other => {
                let r = result(
                    LdapResultCode::UnwillingToPerform,
                    "skydir's LDAP interface is read-only; change the directory through the REST API or the console",
                );
                reply_result(&mut conn, msgid, &other, r).await
            }
        };
        if sent.is_err() {
            return;
        }
    }
}

/// The audit record of a search or compare by a bound identity: counts and codes, never the
/// filter, the base, the entry or the value asserted (all can hold names or addresses).
fn access_event<S>(
    ctx: &Ctx<S>,
    id: &Identity,
    action: &'static str,
    code: &LdapResultCode,
    detail: serde_json::Value,
) -> Option<AccessEvent>
where
    S: DirectoryStore,
{
    let (org, actor) = (id.org()?, id.actor()?);
    let denied = matches!(
        code,
        LdapResultCode::InsufficentAccessRights | LdapResultCode::NoSuchObject
    );
    Some(AccessEvent {
        org,
        actor,
        at: ctx.dir.now(),
        action,
        target: format!("org:{org}"),
        outcome: if denied {
            Outcome::Denied
        } else {
            Outcome::Success
        },
        detail,
    })
}

fn scope_name(scope: &ldap3_proto::proto::LdapSearchScope) -> &'static str {
    match scope {
        ldap3_proto::proto::LdapSearchScope::Base => "base",
        ldap3_proto::proto::LdapSearchScope::OneLevel => "one",
        ldap3_proto::proto::LdapSearchScope::Subtree => "sub",
        ldap3_proto::proto::LdapSearchScope::Children => "children",
    }
}

async fn send_ext(
    conn: &mut Conn,
    msgid: i32,
    res: LdapResult,
    name: Option<&str>,
) -> std::io::Result<()> {
    conn.send(msg(
        msgid,
        LdapOp::ExtendedResponse(LdapExtendedResponse {
            res,
            name: name.map(str::to_string),
            value: None,
        }),
    ))
    .await
}

async fn send_search(
    conn: &mut Conn,
    msgid: i32,
    out: search::SearchOutcome,
) -> std::io::Result<()> {
    for e in out.entries {
        conn.feed(msg(msgid, LdapOp::SearchResultEntry(e))).await?;
    }
    let mut done = msg(
        msgid,
        LdapOp::SearchResultDone(result(out.code, out.message)),
    );
    if let Some(c) = out.paged {
        done.ctrl.push(c);
    }
    conn.send(done).await
}

/// Answers a request with the response type that matches it.
async fn reply_result(
    conn: &mut Conn,
    msgid: i32,
    op: &LdapOp,
    res: LdapResult,
) -> std::io::Result<()> {
    let op = match op {
        LdapOp::BindRequest(_) => LdapOp::BindResponse(LdapBindResponse {
            res,
            saslcreds: None,
        }),
        LdapOp::SearchRequest(_) => LdapOp::SearchResultDone(res),
        LdapOp::ModifyRequest(_) => LdapOp::ModifyResponse(res),
        LdapOp::AddRequest(_) => LdapOp::AddResponse(res),
        LdapOp::DelRequest(_) => LdapOp::DelResponse(res),
        LdapOp::ModifyDNRequest(_) => LdapOp::ModifyDNResponse(res),
        LdapOp::CompareRequest(_) => LdapOp::CompareResult(res),
        LdapOp::ExtendedRequest(_) => LdapOp::ExtendedResponse(LdapExtendedResponse {
            res,
            name: None,
            value: None,
        }),
        // Responses sent by a client, abandon, unbind: answer with a notice and close.
        _ => {
            conn.send(notice(LdapResultCode::ProtocolError, "unexpected PDU"))
                .await?;
            return Err(std::io::Error::other("unexpected PDU"));
        }
    };
    conn.send(msg(msgid, op)).await
}
