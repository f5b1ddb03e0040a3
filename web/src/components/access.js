// access.js - what the signed-in user may do, so each screen shows only that. The rules
// mirror the server's (src/core/core.c project_access, the route table's least workspace
// role, and each noun's check in core): the server stays the judge, this only hides what
// would be refused.
//   workspace roles  admin > manager > rep > viewer     (GET /api/v1/me)
//   project roles    owner > manager > member > viewer  (the project's members; admins act
//                    as owners everywhere; a workspace manager who is no member reads as a
//                    viewer; a workspace viewer never writes)
import { api, enc } from '../api.js';
import { useLoad } from './ui.js';

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
// outside a project).
export function permissions(me, prole = 'none') {
  const p = PR[prole] || 0;
  const writer = wsAtLeast(me, 'rep'); // write routes need at least a rep
  const login = me && me.user ? me.user.login : '';
  const manage = writer && p >= PR.manager;
  return {
    prole,
    login,
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

// The project's members and the caller's permissions in it: {members, can, loading, error, reload}.
// skip: outside a project (a screen that serves both), nothing is loaded.
export function useProjectAccess(me, code, skip = false) {
  const m = useLoad(() => (skip ? { members: [] } : api.get('/projects/' + enc(code) + '/members')), [code, skip]);
  const members = (m.data && m.data.members) || [];
  const can = permissions(me, m.data ? projectRole(me, members) : 'none');
  return { members, can, loading: m.loading, error: m.error, reload: m.reload };
}
