// A 1:1 video call in a call topic (exchange/1): media goes through the
// TURN relay (iceTransportPolicy "relay", servers from GET /turn through
// client.iceServers()), signalling goes through the topic.
//
// The topic carries two kinds of frames (docs/client.md, "Calls"):
//   START_STREAM (1) / STOP_STREAM (2), untargeted: "I am in a call with
//     payload.peer" ('' while waiting for someone to answer) / "no longer".
//     The call type keeps each member's last START_STREAM and sends it to
//     late joiners, so everybody sees the stream list (room.streams).
//   RTC (13), targeted (payload.target = the peer's connection id): join,
//     busy, offer, answer, candidate, hangup.
//
//   caller                                 callee
//   Start call: media, START_STREAM {peer:''}
//                                          Answer: media, START_STREAM
//                                          {peer: caller}, RTC join
//   RTC join -> START_STREAM {peer: callee},
//   RTC offer ---------------------------> RTC answer
//   RTC candidate <----------------------> RTC candidate
//   Hang up (or leave): RTC hangup, STOP_STREAM; the other side closes and
//   sends its STOP_STREAM. A peer whose connection leaves the topic has
//   hung up too.
import { SocketActions as A } from '/client/sockd-client.mjs';

import { renderCall } from './call_view.mjs';
import { describe, session } from './session.mjs';

export const CALL_TYPE = 'exchange/1';

export function isCallTopic(topic) {
  return typeof topic === 'string' && topic.startsWith(`${CALL_TYPE}:`);
}

// This tab's call. phase: idle, calling (waiting for an answer), joining
// (answered, waiting for the offer), live (a peer connection exists).
export const call = {
  phase: 'idle',
  topic: '',
  peer: '',            // the other side's connection id
  pc: null,
  connection: 'new',   // the peer connection's last connectionState
  route: '',           // candidate types of the pair in use, e.g. relay/relay
  local: null,         // MediaStream of camera and microphone
  remote: null,        // MediaStream from the peer
  ice: null,           // RTCIceServer[] from GET /turn
  queued: [],          // candidates that came before the remote description
  via: '',            // this side's relay address in use
  note: '',            // the last thing worth telling the user
  token: null,         // the start or answer that is waiting for media
};

function transmit(action, payload) {
  const { client } = session;
  return !!client?.transmit(false, action, call.topic, payload);
}

const announce = (peer) => transmit(A.START_STREAM, { peer });
const signal = (to, type, data = {}) =>
  transmit(A.RTC, { ...data, target: to, type });

/**
 * Camera, microphone and TURN servers, fetched side by side. When either
 * fails, the camera is switched off again (it may have come anyway).
 */
async function prepare() {
  const [media, ice] = await Promise.allSettled([
    navigator.mediaDevices.getUserMedia({ audio: true, video: true }),
    session.client.iceServers(),
  ]);
  if (media.status === 'rejected' || ice.status === 'rejected') {
    if (media.status === 'fulfilled')
      for (const t of media.value.getTracks()) t.stop();
    throw media.status === 'rejected' ? media.reason : ice.reason;
  }
  return { local: media.value, ice: ice.value };
}

// Starts a phase that awaits media; returns false when the call was ended
// (or another begun) meanwhile, stopping what came too late.
async function ready(phase) {
  const token = call.token = {};
  let got;
  try {
    got = await prepare();
  } catch (e) {
    if (call.token === token) end(`Could not start the call: ${describe(e)}`);
    return false;
  }
  if (call.token !== token || call.phase !== phase) {
    for (const t of got.local.getTracks()) t.stop();
    return false;
  }
  call.local = got.local;
  call.ice = got.ice;
  return true;
}

export async function startCall() {
  const r = session.room;
  if (call.phase !== 'idle' || !isCallTopic(r?.topic)) return;
  Object.assign(call, { phase: 'calling', topic: r.topic, peer: '', note: '',
                        connection: 'new', route: '', via: '' });
  renderCall();
  if (!await ready('calling')) return;
  announce('');
  call.note = 'Waiting for someone to answer…';
  renderCall();
}

/** Answers the call of connection `cid`, listed as waiting. */
export async function answer(cid) {
  const r = session.room;
  if (call.phase !== 'idle' || !isCallTopic(r?.topic)) return;
  Object.assign(call, { phase: 'joining', topic: r.topic, peer: cid, note: '',
                        connection: 'new', route: '', via: '' });
  renderCall();
  if (!await ready('joining')) return;
  announce(cid);
  signal(cid, 'join');
  call.note = 'Connecting…';
  renderCall();
}

/** The user hangs up (button, leaving the topic, closing the tab). */
export function hangUp() {
  if (call.phase === 'idle') return;
  if (call.peer) signal(call.peer, 'hangup');
  transmit(A.STOP_STREAM, {});
  end('You hung up.');
}

/**
 * This tab's connection is gone: the server has dropped its stream and
 * told the peer that it left; close without sending anything.
 */
export function connectionLost() {
  if (call.phase !== 'idle') end('The connection to the server was lost.');
}

/** The other side is gone: its connection left, or it said hangup. */
function peerGone(why) {
  transmit(A.STOP_STREAM, {});
  end(why);
}

function end(note) {
  call.token = null;
  if (call.pc) {
    call.pc.close();
    call.connection = call.pc.connectionState;
  }
  for (const t of call.local?.getTracks() ?? []) t.stop();
  Object.assign(call, { phase: 'idle', peer: '', pc: null, local: null,
                        remote: null, queued: [], note });
  renderCall();
}

function connect() {
  const pc = new RTCPeerConnection({ iceServers: call.ice,
                                     iceTransportPolicy: 'relay' });
  call.pc = pc;
  call.phase = 'live';
  const peer = call.peer;
  for (const t of call.local.getTracks()) pc.addTrack(t, call.local);
  pc.onicecandidate = (e) => {
    if (e.candidate && call.pc === pc)
      signal(peer, 'candidate', { candidate: e.candidate.toJSON() });
  };
  pc.ontrack = (e) => {
    if (call.pc !== pc) return;
    call.remote = e.streams[0] ?? new MediaStream([e.track]);
    renderCall();
  };
  pc.onconnectionstatechange = () => {
    if (call.pc !== pc) return;
    call.connection = pc.connectionState;
    if (pc.connectionState === 'connected') {
      call.note = '';
      showRoute(pc);
    } else if (pc.connectionState === 'failed') {
      hangUp();
      call.note = 'The call failed: no route through the TURN relay.';
    }
    renderCall();
  };
  return pc;
}

// Which candidates carry the call, from the peer connection's statistics:
// with policy "relay" both are relay candidates (coturn's addresses).
async function showRoute(pc) {
  const stats = await pc.getStats();
  let pair = null;
  stats.forEach((s) => {
    if (s.type === 'transport' && s.selectedCandidatePairId)
      pair = stats.get(s.selectedCandidatePairId);
  });
  if (!pair || call.pc !== pc) return;
  const local = stats.get(pair.localCandidateId);
  const remote = stats.get(pair.remoteCandidateId);
  call.route = `${local?.candidateType}/${remote?.candidateType}`;
  call.via = local ? `${local.address}:${local.port}` : '';
  renderCall();
}

async function offer(pc) {
  await pc.setLocalDescription(await pc.createOffer());
  if (call.pc === pc) signal(call.peer, 'offer', { sdp: pc.localDescription.sdp });
}

async function accept(pc, sdp) {
  await pc.setRemoteDescription({ type: 'offer', sdp });
  flush(pc);
  await pc.setLocalDescription(await pc.createAnswer());
  if (call.pc === pc) signal(call.peer, 'answer', { sdp: pc.localDescription.sdp });
}

async function answered(pc, sdp) {
  await pc.setRemoteDescription({ type: 'answer', sdp });
  flush(pc);
}

function flush(pc) {
  const queued = call.queued;
  call.queued = [];
  for (const c of queued) pc.addIceCandidate(c).catch(failed);
}

function failed(e) {
  if (call.phase !== 'idle') {
    hangUp();
    call.note = `The call failed: ${describe(e)}`;
    renderCall();
  }
}

/** An RTC frame (13) of the call topic, from connection `from`. */
function onSignal(from, p) {
  if (p.type === 'join') {
    // call.local: a join meant for an earlier call may come while this one
    // still waits for the camera.
    if (call.phase !== 'calling' || call.peer || !call.local) {
      signal(from, 'busy');
      return;
    }
    call.peer = from;
    announce(from);
    offer(connect()).catch(failed);
    return;
  }
  if (from !== call.peer) return;
  switch (p.type) {
    case 'busy':
      if (call.phase === 'joining') peerGone('Someone else answered first.');
      return;
    case 'offer':
      if (call.phase === 'joining' && typeof p.sdp === 'string')
        accept(connect(), p.sdp).catch(failed);
      return;
    case 'answer':
      if (call.pc && typeof p.sdp === 'string')
        answered(call.pc, p.sdp).catch(failed);
      return;
    case 'candidate':
      if (!call.pc?.remoteDescription) call.queued.push(p.candidate);
      else call.pc.addIceCandidate(p.candidate).catch(failed);
      return;
    case 'hangup':
      peerGone('The other side hung up.');
      return;
    default:
  }
}

/**
 * A frame of the topic shown that belongs to calls: START_STREAM,
 * STOP_STREAM or RTC. Keeps the room's stream list and drives the call.
 */
export function onCallFrame(r, frame) {
  const from = frame.sender;
  if (typeof from !== 'string') return;
  const p = frame.payload && typeof frame.payload === 'object'
    ? frame.payload : {};
  if (frame.action === A.START_STREAM) {
    r.streams.set(from, { peer: typeof p.peer === 'string' ? p.peer : '' });
  } else if (frame.action === A.STOP_STREAM) {
    r.streams.delete(from);
  } else if (frame.action === A.RTC && from !== session.client?.connectionId
             && r.topic === call.topic && typeof p.type === 'string') {
    onSignal(from, p);
  }
  renderCall();
}

/** Connection `cid` left the topic shown. */
export function onCallLeave(r, cid) {
  r.streams.delete(cid);
  if (cid === call.peer && r.topic === call.topic)
    peerGone('The other side left.');
  renderCall();
}
