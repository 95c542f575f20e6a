export { createDashboardApp, packageRoot, API_ENDPOINTS } from './app.js';
export type { DashboardAppOptions } from './app.js';
export { curveRoles, historyFromSeries } from './history.js';
export type * from './types.js';
export { startDashboard, listenDashboard } from './start.js';
export type { Dashboard, DashboardOptions } from './start.js';
