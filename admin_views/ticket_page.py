"""The ticket's own page in the staff desk: the whole thread (messages, responses, internal
notes, events, files) and the forms that act on it. Each form posts to its own endpoint,
which makes one lifecycle call; a refused or invalid form is shown again with what was
typed and the reason."""
from flask import abort, flash, redirect, request, send_file, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user
from peewee import JOIN, SQL, Value

from helpdesk import lifecycle, queries
from helpdesk.intake import files as intake_files
from helpdesk.intake_models import InboundMail
from helpdesk.models import CannedResponse, Department, HelpTopic, Ticket, TicketStatus, User
from helpdesk.prepared import Prepared, slot
from portal.forms import upload_limits

from . import events, ticket_cards
from .desk_forms import AssignForm, NoteForm, ReplyForm, StatusForm, TransferForm
from .export import Assignee, Requester

REFUSED = (lifecycle.NotAllowed, lifecycle.InvalidTransition)


class TicketPage:
    """Mixed into the queue's ModelView: every page loads the ticket with ``get_one``,
    which is scoped to what the user may see, so anything else is a 404."""

    @expose("/details/")
    def details_view(self):
        return self._page(self._ticket())

    @expose("/claim/", methods=("POST",))
    def claim_view(self):
        ticket = self._ticket()
        return self._act(ticket, lambda: lifecycle.claim(ticket, by=current_user),
                         _("You now have ticket #%(number)s.", number=ticket.number))

    @expose("/release/", methods=("POST",))
    def release_view(self):
        ticket = self._ticket()
        return self._act(ticket, lambda: lifecycle.release(ticket, by=current_user),
                         _("Ticket #%(number)s is back in the queue.", number=ticket.number))

    @expose("/reply/", methods=("POST",))
    def reply_view(self):
        ticket = self._ticket()
        form = ReplyForm(_canned_for(ticket))
        if form.validate_on_submit():
            return self._act(ticket, lambda: lifecycle.respond(
                ticket, by=current_user, message=form.message.data,
                files=form.attachments.checked, status=form.status.data or None),
                _("Your reply was sent to %(email)s.", email=ticket.requester.email),
                form=form, name="reply")
        return self._page(ticket, reply=form)

    @expose("/note/", methods=("POST",))
    def note_view(self):
        ticket = self._ticket()
        form = NoteForm()
        if form.validate_on_submit():
            return self._act(ticket, lambda: lifecycle.add_note(
                ticket, by=current_user, message=form.message.data,
                files=form.attachments.checked),
                _("Internal note added."), form=form, name="note")
        return self._page(ticket, note=form)

    @expose("/transfer/", methods=("POST",))
    def transfer_view(self):
        ticket = self._ticket()
        form = TransferForm(_other_departments(ticket))
        if form.validate_on_submit():
            target = Department.get_by_id(int(form.department.data))
            return self._act(ticket, lambda: lifecycle.transfer(
                ticket, by=current_user, to=target, comment=form.comment.data),
                _("Ticket #%(number)s was transferred to %(department)s.",
                  number=ticket.number, department=target.name),
                form=form, name="transfer")
        return self._page(ticket, transfer=form)

    @expose("/status/", methods=("POST",))
    def status_view(self):
        ticket = self._ticket()
        form = StatusForm(ticket.status)
        if form.validate_on_submit():
            status = form.status.data
            return self._act(ticket, lambda: lifecycle.set_status(
                ticket, by=current_user, status=status, comment=form.comment.data),
                _("Ticket #%(number)s is now %(status)s.", number=ticket.number,
                  status=TicketStatus.LABELS[status]), form=form, name="status")
        return self._page(ticket, status=form)

    @expose("/assign/", methods=("POST",))
    def assign_view(self):
        ticket = self._ticket()
        form = AssignForm(_agents_for(ticket))
        if form.validate_on_submit():
            agent = User.get_by_id(int(form.agent.data))
            return self._act(ticket, lambda: lifecycle.assign(ticket, by=current_user,
                                                              to=agent),
                             _("Ticket #%(number)s was assigned to %(name)s.",
                               number=ticket.number, name=str(agent)),
                             form=form, name="assign")
        return self._page(ticket, assign=form)

    @expose("/mail/")
    def mail_view(self):
        """A message of the thread that came by e-mail, as received (staff only; a
        download, never shown as a page)."""
        ticket = self._ticket()
        mail = InboundMail.get_or_none(InboundMail.id == request.args.get("mail", type=int),
                                       InboundMail.ticket == ticket.id)
        if mail is None or not intake_files.raw_path(mail.stored_name).exists():
            abort(404)
        return send_file(intake_files.raw_path(mail.stored_name), mimetype="message/rfc822",
                         as_attachment=True, download_name=f"original-{mail.id}.eml")

    # -- helpers --------------------------------------------------------------------

    def _ticket(self):
        """The ticket of ``?id=``, if the user may see it (``get_one``'s scope), with the
        names the page shows of its requester, topic, department and assignee."""
        try:
            wanted = int(request.args.get("id"))
        except (TypeError, ValueError):
            abort(404)
        ticket = _visible_ticket[queries.scope_shape(current_user)].first(
            user=current_user.id, ticket=wanted)
        if ticket is None:
            abort(404)
        return ticket

    def _act(self, ticket, call, done, form=None, name=None):
        """Make the lifecycle call; on success flash ``done`` and show the ticket again
        (or the queue, if the ticket left the user's sight), else show the refusal with
        the form as it was filled in."""
        try:
            call()
        except REFUSED as exc:
            if form is None or not queries.can_act(current_user, ticket):
                flash(str(exc), "danger")
                return redirect(self._back(ticket))
            form.form_errors.append(str(exc))
            return self._page(ticket, **{name: form})
        flash(done, "success")
        if form is None and request.form.get("next"):
            return redirect(self._back(ticket))
        if self.get_one(ticket.id) is None:
            return redirect(url_for(".index_view"))
        return redirect(url_for(".details_view", id=ticket.id))

    def _back(self, ticket):
        """Where a row button came from: only a page of this queue (never another site)."""
        target = request.form.get("next") or ""
        if target.startswith(url_for(".index_view")) and "\\" not in target:
            return target
        return url_for(".details_view", id=ticket.id)

    def _page(self, ticket, **forms):
        entries = list(queries.thread(ticket))
        actionable = queries.can_act(current_user, ticket)
        oversees = queries.oversees(current_user)
        limits = upload_limits()
        cards = _cards(ticket, forms, oversees, limits) if actionable else {}
        return self.render(
            "admin/ticket/details.html", ticket=ticket, entries=entries,
            files=queries.attachments_by_entry(entries), mailed=_mailed(ticket, entries),
            timeline=events.timeline(ticket, entries), actionable=actionable,
            oversees=oversees, forms=forms, cards=cards, limits=limits)

def _ticket_query(shape):
    """The ticket of the slot ``ticket`` in a scope of ``shape``, with the names the page
    shows of its requester, topic, department and assignee."""
    return (queries.scope_of(shape, slot("user"))
            .select(Ticket, *queries.named(Requester), HelpTopic.id, HelpTopic.name,
                    Department.id, Department.name, *queries.named(Assignee))
            .join_from(Ticket, Requester, on=(Ticket.requester == Requester.id),
                       attr="requester")
            .join_from(Ticket, HelpTopic, attr="topic")
            .join_from(Ticket, Department, attr="department")
            .join_from(Ticket, Assignee, JOIN.LEFT_OUTER,
                       on=(Ticket.assignee == Assignee.id), attr="assignee")
            .where(Ticket.id == slot("ticket")).limit(1))


# Run on every view of a ticket, so prepared (helpdesk/prepared.py)
_visible_ticket = {shape: Prepared(lambda shape=shape: _ticket_query(shape))
                   for shape in ("all", "agent", "none")}


def _mailed(ticket, entries):
    """The thread's entries that came by e-mail: {entry id: InboundMail} (not read when
    none did)."""
    if not any(entry.by_mail for entry in entries):
        return {}
    return {mail.entry_id: mail for mail in _inbound(ticket=ticket.id)}


_inbound = Prepared(lambda: InboundMail.select().where(
    InboundMail.ticket == slot("ticket"), InboundMail.entry.is_null(False)))


# The choices of the forms read only the columns they show.
_canned = Prepared(lambda: (
    CannedResponse.select(CannedResponse.id, CannedResponse.title, CannedResponse.body)
    .where(CannedResponse.active, CannedResponse.department.is_null()
           | (CannedResponse.department == slot("department")))
    .order_by(CannedResponse.title)))
_departments = Prepared(lambda: (
    Department.select(Department.id, Department.name)
    .where(Department.active, Department.id != slot("department"))
    .order_by(Department.name)))
_agents = Prepared(lambda: queries.agents_of(slot("department"))
                   .select(User.id, User.full_name, User.email))


CANNED, DEPARTMENTS, AGENTS = 1, 2, 3


def _choices_query(with_agents):
    """(kind, id, name, more) of the reply's canned responses (title, body), the
    departments the ticket can be transferred to, and (``with_agents``) the agents it can
    be assigned to (name, e-mail address): the three reads above as one statement, each
    kind in its own order."""
    query = (CannedResponse.select(Value(CANNED), CannedResponse.id, CannedResponse.title,
                                   CannedResponse.body)
             .where(CannedResponse.active, CannedResponse.department.is_null()
                    | (CannedResponse.department == slot("department")))
             + Department.select(Value(DEPARTMENTS), Department.id, Department.name,
                                 SQL("NULL"))
             .where(Department.active, Department.id != slot("department")))
    if with_agents:
        query += (queries.agents_of(slot("department"))
                  .select(Value(AGENTS), User.id, User.full_name, User.email).order_by())
    return query.order_by(SQL("1, 3, 4")).tuples()


_choices = {with_agents: Prepared(lambda with_agents=with_agents: _choices_query(with_agents))
            for with_agents in (False, True)}


def _choices_for(ticket, with_agents):
    """The choices of the reply, transfer and (``with_agents``) assign forms:
    ([CannedResponse], [Department], [User])."""
    found = {CANNED: [], DEPARTMENTS: [], AGENTS: []}
    make = {CANNED: lambda id, title, body: CannedResponse(id=id, title=title, body=body),
            DEPARTMENTS: lambda id, name, _: Department(id=id, name=name),
            AGENTS: lambda id, name, email: User(id=id, full_name=name, email=email)}
    for kind, *row in _choices[with_agents](department=ticket.department_id):
        found[kind].append(make[kind](*row))
    return found[CANNED], found[DEPARTMENTS], found[AGENTS]


def _cards(ticket, forms, oversees, limits):
    """The fields of each action card: the form that was sent as it was filled in, the
    others blank (``ticket_cards.blank``: built only when not kept)."""
    cards = {name: ticket_cards.render(name, form, limits) for name, form in forms.items()}
    canned, departments, agents = _choices_for(ticket, oversees)
    if "reply" not in cards:
        cards["reply"] = ticket_cards.blank(
            "reply", tuple((c.id, c.title, c.body) for c in canned),
            lambda: ReplyForm(canned, formdata=None), limits)
    if "note" not in cards:
        cards["note"] = ticket_cards.blank("note", (), lambda: NoteForm(formdata=None), limits)
    if "transfer" not in cards:
        cards["transfer"] = ticket_cards.blank(
            "transfer", tuple((d.id, d.name) for d in departments),
            lambda: TransferForm(departments, formdata=None), limits)
    if "status" not in cards:
        cards["status"] = ticket_cards.blank(
            "status", ticket.status, lambda: StatusForm(ticket.status, formdata=None), limits)
    if oversees and "assign" not in cards:
        cards["assign"] = ticket_cards.blank(
            "assign", tuple((a.id, str(a)) for a in agents),
            lambda: AssignForm(agents, formdata=None), limits)
    return cards


def _canned_for(ticket):
    return _canned(department=ticket.department_id)


def _other_departments(ticket):
    return _departments(department=ticket.department_id)


def _agents_for(ticket):
    """The agents the ticket can be assigned to, with what their names are made of."""
    return _agents(department=ticket.department_id)
