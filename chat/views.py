"""Live chat pages. The visitor's pages work without JavaScript (static/js/chat.js only makes
them live); the supporter console and the supervisors' board are staff pages. Every write goes
through chat.services, as the websocket consumers' do."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.access import public
from chat import forms, services
from chat.models import (
    CannedResponse,
    Conversation,
    EndReason,
    MessageKind,
    Sender,
    State,
    SupporterStatus,
    is_chat_supervisor,
    is_chat_supporter,
)
from chat.services import VISITOR_SESSION_KEY, ChatError
from guides.models import Topic
from mysupportspace.client_address import client_address
from referrals import follow_up, limits
from referrals.models import Organisation
from situation.models import crime_type_label
from situation.services import crime_types_to_share

CONTACT_KEY_SESSION = "chat_contact_request_key"  # the private key of the request the visitor's details made
OUTCOME_SESSION = "referrals_impact_outcome"  # referrals.views: the last impact check's outcome
# Starting chats from one address.
START_LIMIT = (10, 10 * 60)


# --- The visitor ----------------------------------------------------------------------------


def _visitor_conversation(request: HttpRequest) -> Conversation | None:
    return services.conversation_for_visitor(request.session.get(VISITOR_SESSION_KEY))


def _unavailable(request: HttpRequest, *, reason: str, status: int = 200) -> HttpResponse:
    return render(
        request,
        "chat/unavailable.html",
        {"reason": reason, "availability": services.availability()},
        status=status,
    )


@public
def start(request: HttpRequest) -> HttpResponse:
    """Closed or nobody free: say so before anyone waits. Otherwise the short pre-chat form."""
    conversation = _visitor_conversation(request)
    if conversation is not None and conversation.state != State.ENDED:
        return redirect("chat:talk")
    user: Any = request.user
    topics = list(Topic.objects.published().values_list("title", flat=True))
    what_happened = [crime_type_label(value) for value in crime_types_to_share(user)]
    form = forms.StartChatForm(
        request.POST or None, topics=topics, signed_in=user.is_authenticated, what_happened=what_happened
    )
    status = services.availability()
    if not status.is_open:
        return _unavailable(request, reason="closed")
    if not status.supporters_available:
        return _unavailable(request, reason="nobody")
    if request.method == "POST":
        address = client_address(request)
        if not limits.hit(scope="chat-start", key=address, limit=START_LIMIT[0], window_seconds=START_LIMIT[1]):
            return render(request, "429.html", status=429)
        if form.is_valid():
            share = user.is_authenticated and form.cleaned_data.get("share", False)
            share_what_happened = user.is_authenticated and form.cleaned_data.get("share_what_happened", False)
            try:
                conversation = services.start_chat(
                    nickname=form.cleaned_data["nickname"],
                    topic=form.cleaned_data["topic"],
                    at_risk=form.at_risk or request.session.get(OUTCOME_SESSION) in {"danger", "severe"},
                    address=address,
                    shared_role=user.get_role_display() if share else "",
                    shared_guides=_guide_titles(user) if share else [],
                    shared_what_happened=what_happened if share_what_happened else [],
                )
            except ChatError as error:
                return _unavailable(request, reason=error.code)
            request.session[VISITOR_SESSION_KEY] = conversation.visitor_token
            return redirect("chat:talk")
    return render(request, "chat/start.html", {"form": form, "availability": status})


def _guide_titles(user: Any) -> list[str]:
    from referrals.services import guides_worked_on

    return [guide["title"] for guide in guides_worked_on(user)]


def _visitor_page(request: HttpRequest, conversation: Conversation, *, form: Any = None, status: int = 200) -> Any:
    services.note_visitor_seen(conversation=conversation)
    if conversation.state == State.WAITING:
        return render(
            request,
            "chat/waiting.html",
            {"conversation": conversation, "queue": services.queue_state(conversation)},
            status=status,
        )
    chat_messages = services.messages_after(conversation)
    return render(
        request,
        "chat/talk.html",
        {
            "conversation": conversation,
            "chat_messages": chat_messages,
            "last_seq": chat_messages[-1].seq if chat_messages else 0,
            "form": form or forms.MessageForm(),
            "contact_form_offered": any(m.kind == MessageKind.CONTACT_FORM for m in chat_messages),
            "socket_path": reverse("chat:talk"),
        },
        status=status,
    )


@public
def talk(request: HttpRequest) -> HttpResponse:
    """Waiting (place in the queue, on each refresh) or talking (the messages so far and a form)."""
    conversation = _visitor_conversation(request)
    if conversation is None:
        return redirect("chat:start")
    if conversation.state == State.ENDED:
        return redirect("chat:ended")
    return _visitor_page(request, conversation)


@public
@require_POST
def send(request: HttpRequest) -> HttpResponse:
    conversation = _visitor_conversation(request)
    if conversation is None:
        return redirect("chat:start")
    form = forms.MessageForm(request.POST)
    if form.is_valid():
        try:
            # The same checks and per-visitor limit as the socket's.
            services.send_visitor_message(conversation=conversation, text=form.cleaned_data["text"])
        except ChatError as error:
            form.add_error("text", error.message)
            return _visitor_page(request, conversation, form=form, status=429 if error.code == "too_fast" else 400)
        return redirect(reverse("chat:talk") + "#latest")
    if conversation.state == State.ENDED:
        return redirect("chat:ended")
    return _visitor_page(request, conversation, form=form, status=400)


@public
@require_POST
def leave_queue(request: HttpRequest) -> HttpResponse:
    conversation = _visitor_conversation(request)
    if conversation is not None and conversation.state == State.WAITING:
        services.end_chat(conversation=conversation, reason=EndReason.LEFT_QUEUE)
    return redirect("chat:ended")


@public
def end(request: HttpRequest) -> HttpResponse:
    """Asks once; the post ends the chat."""
    conversation = _visitor_conversation(request)
    if conversation is None:
        return redirect("chat:start")
    if request.method == "POST":
        services.end_chat(conversation=conversation, reason=EndReason.VISITOR_ENDED)
        return redirect("chat:ended")
    if conversation.state == State.ENDED:
        return redirect("chat:ended")
    return render(request, "chat/end.html", {"conversation": conversation})


@public
def ended(request: HttpRequest) -> HttpResponse:
    """The one optional question, and (signed in) the unticked choice to keep a copy."""
    conversation = _visitor_conversation(request)
    if conversation is None or conversation.state != State.ENDED:
        return redirect("chat:start")
    user: Any = request.user
    form = forms.AfterChatForm(request.POST or None, signed_in=user.is_authenticated)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["helped"]:
            services.record_feedback(helped=form.cleaned_data["helped"])
        if form.cleaned_data.get("keep_copy"):
            services.keep_copy(conversation=conversation, user=user)
        # The chat is finished: nothing of it stays with this browser.
        del request.session[VISITOR_SESSION_KEY]
        request.session.pop(CONTACT_KEY_SESSION, None)
        return render(request, "chat/thanks.html")
    return render(request, "chat/ended.html", {"conversation": conversation, "form": form})


@public
def contact(request: HttpRequest) -> HttpResponse:
    """The safe-contact form the supporter sent, for a caseworker to get in touch."""
    conversation = _visitor_conversation(request)
    if conversation is None or not services.contact_form_offered(conversation):
        raise Http404
    form = forms.ChatContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        support_request = services.refer_to_caseworker(
            conversation=conversation,
            name=form.cleaned_data["name"],
            contact=form.safe_contact(),
            submission_token=form.cleaned_data["submission_token"],
            area=form.cleaned_data.get("area", ""),
        )
        key = getattr(support_request, "follow_up_key", None)
        if key is not None:
            # Shown on the next page, to write down; only in the server-side session, never in an address.
            request.session[CONTACT_KEY_SESSION] = key
        if request.session.get(CONTACT_KEY_SESSION):
            return redirect("chat:contact")
        messages.success(request, "Your details have been sent to our caseworkers.")
        return redirect("chat:talk" if conversation.state != State.ENDED else "chat:ended")
    if request.method == "GET" and request.session.get(CONTACT_KEY_SESSION):
        return render(
            request,
            "chat/contact_sent.html",
            {
                "conversation": conversation,
                "follow_up_key": follow_up.written(request.session[CONTACT_KEY_SESSION]),
                "back": "chat:talk" if conversation.state != State.ENDED else "chat:ended",
            },
        )
    return render(request, "chat/contact.html", {"form": form, "conversation": conversation})


# --- Supporters ------------------------------------------------------------------------------


def supporters_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Chat supporters and supervisors. Anyone else gets "page not found"."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_chat_supporter(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _staff_conversation(request: HttpRequest, pk: int) -> Conversation:
    """A supervisor may open any chat; a supporter only the chats given to them."""
    chats = Conversation.objects.select_related("supporter", "wrap_up")
    if is_chat_supervisor(request.user):
        return get_object_or_404(chats, pk=pk)
    return get_object_or_404(chats, pk=pk, supporter=request.user)


@supporters_only
def console(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    services.end_stale_waiting()
    status = SupporterStatus.objects.filter(supporter=user).first()
    queue = list(Conversation.objects.in_queue_order()[:50])
    return render(
        request,
        "chat/console.html",
        {
            "is_available": bool(status and status.is_available),
            "queue": queue,
            "my_chats": Conversation.objects.active().filter(supporter=user).order_by("accepted_at"),
            "to_wrap_up": Conversation.objects.filter(
                supporter=user, state=State.ENDED, wrap_up__isnull=True, accepted_at__isnull=False
            ).order_by("-ended_at")[:10],
            "limit": services.settings.CHAT_MAX_CHATS_PER_SUPPORTER,
            "is_supervisor": is_chat_supervisor(user),
        },
    )


@supporters_only
@require_POST
def set_availability(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    services.set_availability(supporter=user, available=request.POST.get("available") == "yes")
    return redirect("chat:console")


@supporters_only
@require_POST
def take_next(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    try:
        conversation = services.take_next_chat(supporter=user)
    except ChatError as error:
        messages.info(request, error.message)
        return redirect("chat:console")
    if conversation is None:
        messages.info(request, "Nobody is waiting.")
        return redirect("chat:console")
    return redirect("chat:staff-chat", pk=conversation.pk)


def _staff_chat_page(
    request: HttpRequest, conversation: Conversation, *, forms_with_errors: dict[str, Any] | None = None
) -> HttpResponse:
    user: Any = request.user
    services.record_transcript_view(conversation=conversation, staff=user)
    chat_messages = services.messages_after(conversation)
    search = forms.DirectorySearchForm(request.GET or None)
    organisations: list[Organisation] = []
    if search.is_valid() and search.cleaned_data["q"]:
        term = search.cleaned_data["q"]
        organisations = list(
            Organisation.objects.published()
            .filter(Q(name__icontains=term) | Q(summary__icontains=term) | Q(needs__name__icontains=term))
            .distinct()[:10]
        )
    is_mine = conversation.supporter_id == user.pk
    context = {
        "conversation": conversation,
        "chat_messages": chat_messages,
        "last_seq": chat_messages[-1].seq if chat_messages else 0,
        "is_mine": is_mine,
        "can_write": is_mine and conversation.state == State.ACTIVE,
        "message_form": forms.MessageForm(),
        "canned_form": forms.CannedResponseForm(),
        "canned_responses": CannedResponse.objects.filter(is_active=True),
        "transfer_form": forms.TransferForm(candidates=services.transfer_candidates(supporter=user)),
        "search_form": search,
        "organisations": organisations,
        "end_reason": EndReason(conversation.end_reason).label if conversation.end_reason else "",
        "Sender": Sender,
    }
    context.update(forms_with_errors or {})
    return render(request, "chat/staff_chat.html", context, status=400 if forms_with_errors else 200)


@supporters_only
def staff_chat(request: HttpRequest, pk: int) -> HttpResponse:
    """One chat, with its transcript: every opening is written to the audit trail."""
    return _staff_chat_page(request, _staff_conversation(request, pk))


def _act(request: HttpRequest, pk: int, action: Callable[[Conversation, Any], Any]) -> HttpResponse:
    conversation = _staff_conversation(request, pk)
    try:
        action(conversation, request.user)
    except ChatError as error:
        messages.info(request, error.message)
    return redirect("chat:staff-chat", pk=pk)


@supporters_only
@require_POST
def staff_send(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _staff_conversation(request, pk)
    form = forms.MessageForm(request.POST)
    if not form.is_valid():
        return _staff_chat_page(request, conversation, forms_with_errors={"message_form": form})
    return _act(
        request,
        pk,
        lambda chat, user: services.send_supporter_message(
            conversation=chat, supporter=user, text=form.cleaned_data["text"]
        ),
    )


@supporters_only
@require_POST
def staff_send_canned(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _staff_conversation(request, pk)
    form = forms.CannedResponseForm(request.POST)
    if not form.is_valid():
        return _staff_chat_page(request, conversation, forms_with_errors={"canned_form": form})
    return _act(
        request,
        pk,
        lambda chat, user: services.send_supporter_message(
            conversation=chat, supporter=user, text=form.cleaned_data["canned"].text
        ),
    )


@supporters_only
@require_POST
def staff_send_organisation(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation.objects.published(), pk=request.POST.get("organisation"))
    return _act(
        request,
        pk,
        lambda chat, user: services.send_supporter_message(
            conversation=chat, supporter=user, text=_organisation_details(organisation)
        ),
    )


def _organisation_details(organisation: Organisation) -> str:
    lines = [organisation.name, organisation.summary]
    if organisation.phone:
        lines.append(f"Phone: {organisation.phone}")
    if organisation.text:
        lines.append(f"Text: {organisation.text}")
    if organisation.email:
        lines.append(f"Email: {organisation.email}")
    if organisation.website:
        lines.append(f"Website: {organisation.website}")
    lines.append(f"Open: {organisation.opening_hours}")
    return "\n".join(lines)


@supporters_only
@require_POST
def staff_contact_form(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda chat, user: services.send_contact_form(conversation=chat, supporter=user))


@supporters_only
@require_POST
def staff_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _staff_conversation(request, pk)
    user: Any = request.user
    form = forms.TransferForm(request.POST, candidates=services.transfer_candidates(supporter=user))
    if not form.is_valid():
        return _staff_chat_page(request, conversation, forms_with_errors={"transfer_form": form})
    try:
        services.transfer_chat(conversation=conversation, supporter=user, to=form.candidates[form.cleaned_data["to"]])
    except ChatError as error:
        messages.info(request, error.message)
        return redirect("chat:staff-chat", pk=pk)
    messages.success(request, "The chat has been transferred.")
    return redirect("chat:console")


@supporters_only
@require_POST
def staff_end(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _staff_conversation(request, pk)
    user: Any = request.user
    try:
        services.end_chat(conversation=conversation, reason=EndReason.SUPPORTER_ENDED, by=user)
    except ChatError as error:
        messages.info(request, error.message)
        return redirect("chat:staff-chat", pk=pk)
    return redirect("chat:wrap-up", pk=pk)


@supporters_only
@require_POST
def staff_block(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _staff_conversation(request, pk)
    user: Any = request.user
    try:
        services.block_visitor(conversation=conversation, supporter=user)
    except ChatError as error:
        messages.info(request, error.message)
        return redirect("chat:staff-chat", pk=pk)
    messages.success(request, "The chat has ended. New chats from their address are refused for 24 hours.")
    return redirect("chat:wrap-up", pk=pk)


@supporters_only
def wrap_up(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _staff_conversation(request, pk)
    user: Any = request.user
    form = forms.WrapUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.wrap_up_chat(
                conversation=conversation,
                supporter=user,
                outcome=form.cleaned_data["outcome"],
                referral=form.cleaned_data["referral"],
                organisation=form.cleaned_data["organisation"],
                notes=form.cleaned_data["notes"],
            )
        except ChatError as error:
            messages.info(request, error.message)
            return redirect("chat:staff-chat", pk=pk)
        messages.success(request, "The wrap-up has been saved.")
        return redirect("chat:console")
    return render(request, "chat/wrap_up.html", {"conversation": conversation, "form": form})


@supporters_only
def board(request: HttpRequest) -> HttpResponse:
    """Supervisors: who is waiting (longest first), active chats, supporters and their load, today's figures."""
    if not is_chat_supervisor(request.user):
        raise Http404
    from accounts.models import User

    supporters = (
        User.objects.filter(chat_status__isnull=False, is_active=True)
        .select_related("chat_status")
        .annotate(load=Count("chat_conversations", filter=Q(chat_conversations__state=State.ACTIVE)))
        .order_by("-chat_status__is_available", "email")
    )
    return render(
        request,
        "chat/board.html",
        {
            "waiting": Conversation.objects.waiting().order_by("created_at"),
            "active": Conversation.objects.active().select_related("supporter").order_by("accepted_at"),
            "supporters": supporters,
            "figures": services.today_figures(),
            "limit": services.settings.CHAT_MAX_CHATS_PER_SUPPORTER,
        },
    )
