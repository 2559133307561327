// modules.js — leaks, advisories dashboard, SLA and statistics.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { notAvailable } from '../ui.js';

export async function leaksView(main) { main.append(h('h1', t('leaks.title')), notAvailable()); }
export async function advisoriesView(main) { main.append(h('h1', t('adv.title')), notAvailable()); }
export async function slaView(main) { main.append(h('h1', t('sla.title')), notAvailable()); }
export async function statsView(main) { main.append(h('h1', t('stats.title')), notAvailable()); }
