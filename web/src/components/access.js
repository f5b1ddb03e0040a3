// access.js - what the signed-in user may do, so each screen shows only that. The rules
// mirror the server's (src/core/core.c project_access, the route table's least workspace
// role, and each noun's check in core): the server stays the judge, this only hides what
// would be refused.
//   workspace roles  admin > manager > rep > viewer     (GET /api/v1/me)
//   project roles    owner > manager > member > viewer  (the project's members; admins act
//                    as owners everywhere; a workspace manager who is no member reads as a
//                    viewer; a workspace viewer never writes)
import { useEffect } from 'preact/hooks';
import { api, enc } from '../api.js';
import { useLoad } from './ui.js';

// A project was closed or reopened here: every screen that judged its writes by its status
// loads it again (the frame's banner, the forms shown).
const CHANGED = 'salespm:project-status';
export const projectStatusChanged = () => window.dispatchEvent(new Event(CHANGED));
function useStatusChanged(reload) {
  useEffect(() => {
    window.addEventListener(CHANGED, reload);
    return () => window.removeEventListener(CHANGED, reload);
  }, [reload]);
}

const WS = { viewer: 0, rep: 1, manager: 2, admin: 3 };
const PR = { none: 0, viewer: 1, member: 2, manager: 3, owner: 4 };

export const wsAtLeast = (me, role) => (WS[me && me.user && me.user.role] ?? -1) >= WS[role];

// Whether a project role is at least role (the names of GET /api/v1/entities' project nouns).
export const projectAtLeast = (prole, role) => (PR[prole] || 0) >= (PR[role] ?? Infinity);

// The caller's effective role in a project whose members are given (as core decides it).
export function projectRole(me, members) {
  if (!me || !me.user) return 'none';
  if (me.user.role === 'admin') return 'owner';
  const m = (members || []).find((x) => x.login === me.user.login);
  let r = m ? m.role : 'none';
  // a workspace manager sees every project; one that is no member reads it as a viewer
  if (r === 'none' && me.user.role === 'manager') r = 'viewer';
  if (me.user.role === 'viewer' && PR[r] > PR.viewer) r = 'viewer';
  return r;
}

// Every permission a screen asks about, for the caller in a project (prole may be 'none'
// outside a project). A closed project's figures are frozen (the server answers 409
// project_closed): every write is hidden as for a viewer (prole says 'viewer'), except what
// stays open on it - adjustments, reviews, lessons, comments, and reopening it.
export function permissions(me, prole = 'none', closed = false) {
  const real = PR[prole] || 0;
  const p = closed ? Math.min(real, PR.viewer) : real;
  const writer = wsAtLeast(me, 'rep'); // write routes need at least a rep
  const login = me && me.user ? me.user.login : '';
  const manage = writer && p >= PR.manager;
  return {
    prole: closed && real > PR.viewer ? 'viewer' : prole,
    realRole: prole,
    closed,
    login,
    // open on a closed project too
    adjust: writer && real >= PR.manager,
    closeProject: writer && (real >= PR.manager || wsAtLeast(me, 'manager')),
    seeAllReviews: real >= PR.manager || wsAtLeast(me, 'manager'),
    writeLessons: writer && real >= PR.member,
    // a review is a member's of a teammate: a workspace viewer on the team may not write one
    writeReviews: writer && real >= PR.member,
    manageLessons: writer && real >= PR.manager,
    createProject: wsAtLeast(me, 'manager'),
    editProject: manage,
    manageGoals: manage,
    manageMembers: manage,
    grantOwner: writer && p >= PR.owner,
    writeSales: writer && p >= PR.member,
    allSales: manage, // members write only their own sales
    ownSale: (s) => manage || (writer && p >= PR.member && s && s.rep === login),
    checkin: (g) => writer && p >= PR.member && !!g && g.metric === 'custom' && (manage || g.owner === login),
    importSales: writer && p >= PR.member,
    catalog: wsAtLeast(me, 'manager'),
    admin: wsAtLeast(me, 'admin'),
  };
}

// Whether project p (GET /api/v1/projects/{code}) is closed: its figures frozen.
export const isClosed = (p) => !!p && (p.project || p).status === 'closed';

// Whether project code is closed (for a screen that loads its members itself).
export function useClosed(code) {
  const p = useLoad(() => api.get('/projects/' + enc(code)), [code]);
  useStatusChanged(p.reload);
  return isClosed(p.data);
}

// The project's members and the caller's permissions in it (a closed project's frozen):
// {members, project, can, loading, error, reload}. skip: outside a project (a screen that
// serves both), nothing is loaded.
export function useProjectAccess(me, code, skip = false) {
  const m = useLoad(() => (skip ? { members: [] } : Promise.all([
    api.get('/projects/' + enc(code) + '/members'), api.get('/projects/' + enc(code))])
    .then(([ms, p]) => ({ members: ms.members, project: p.project || p }))), [code, skip]);
  useStatusChanged(m.reload);
  const members = (m.data && m.data.members) || [];
  const project = (m.data && m.data.project) || null;
  const can = permissions(me, m.data ? projectRole(me, members) : 'none', isClosed(project));
  return { members, project, can, loading: m.loading, error: m.error, reload: m.reload };
}
