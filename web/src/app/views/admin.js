// admin.js — administration: units (with CSV import), services, accounts, official contacts.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { notAvailable } from '../ui.js';

export async function unitsView(main) { main.append(h('h1', t('admin.units')), notAvailable()); }
export async function servicesView(main) { main.append(h('h1', t('admin.services')), notAvailable()); }
export async function usersView(main) { main.append(h('h1', t('admin.users')), notAvailable()); }
export async function contactsView(main) { main.append(h('h1', t('contacts.title')), notAvailable()); }
